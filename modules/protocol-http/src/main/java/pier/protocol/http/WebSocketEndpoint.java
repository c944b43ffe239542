package pier.protocol.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import pier.protocol.WebSocketSubProtocol;

/**
 * WebSocket upgrades on every path of the HTTP port: the first sub-protocol the client offers that a
 * provider serves (e.g. {@code mqtt}) takes the connection's binary frames.
 */
public final class WebSocketEndpoint {

    private static final HeaderName PROTOCOL = HeaderNames.create("Sec-WebSocket-Protocol");

    private WebSocketEndpoint() {
    }

    /**
     * The routing that serves these sub-protocols.
     *
     * @param subProtocols the providers
     * @return the WebSocket routing, for {@code WebServer.builder().addRouting(...)}
     */
    public static WsRouting.Builder routing(List<WebSocketSubProtocol> subProtocols) {
        Map<String, WebSocketSubProtocol> byName = subProtocols.stream()
                .collect(Collectors.toMap(WebSocketSubProtocol::name, Function.identity()));
        return WsRouting.builder().endpoint("/*", () -> new Listener(byName));
    }

    /** One connection: picks the sub-protocol on upgrade, then hands frames over. */
    private static final class Listener implements WsListener {

        private final Map<String, WebSocketSubProtocol> subProtocols;
        private WebSocketSubProtocol chosen;
        private Optional<String> accept = Optional.empty();
        private WebSocketSubProtocol.Connection connection;

        Listener(Map<String, WebSocketSubProtocol> subProtocols) {
            this.subProtocols = subProtocols;
        }

        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
            List<String> offered = headers.contains(PROTOCOL) ? headers.get(PROTOCOL).allValues(true) : List.of();
            chosen = offered.stream().map(String::strip).map(subProtocols::get).filter(p -> p != null).findFirst()
                    .orElseThrow(() -> new WsUpgradeException("no supported sub-protocol among " + offered
                            + "; this server speaks " + subProtocols.keySet()));
            accept = headers.first(HeaderNames.ACCEPT);
            return Optional.of(WritableHeaders.create().set(PROTOCOL, chosen.name()));
        }

        @Override
        public void onOpen(WsSession session) {
            connection = chosen.open(new WebSocketSubProtocol.Peer() {
                @Override
                public void send(byte[] frame) {
                    synchronized (session) {
                        session.send(BufferData.create(frame), true);
                    }
                }

                @Override
                public void close(int code, String reason) {
                    synchronized (session) {
                        session.close(code, reason);
                    }
                }

                @Override
                public String remoteAddress() {
                    return session.socketContext().remotePeer().address().toString();
                }
            }, accept);
        }

        @Override
        public void onMessage(WsSession session, BufferData buffer, boolean last) {
            connection.receive(buffer.readBytes());
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            session.close(1003, "binary frames only");
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            if (connection != null) {
                connection.closed();
            }
        }

        @Override
        public void onError(WsSession session, Throwable error) {
            if (connection != null) {
                connection.closed();
            }
        }
    }
}
