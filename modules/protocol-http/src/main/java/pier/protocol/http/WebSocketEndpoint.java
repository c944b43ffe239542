package pier.protocol.http;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import pier.codec.Codec;
import pier.codec.CodecException;
import pier.codec.CodecRegistry;
import pier.protocol.WebSocketSubProtocol;
import pier.query.Query;
import pier.query.QueryException;
import pier.resource.Connections;
import pier.resource.Permission;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.ResourceRegistry;
import pier.security.UserQuota;

/**
 * WebSocket upgrades on every path of the HTTP port: the first sub-protocol the client offers that a
 * provider serves (e.g. {@code mqtt}) takes the connection's binary frames; otherwise the path names a
 * resource, a record, a collection or a live query, whose {@code connect} a {@link RecordSocket} serves. An HTTP filter checks a plain
 * upgrade before it happens, so a refusal is an ordinary problem answer (401, 404, 400) rather than a
 * socket opened and closed at once.
 */
public final class WebSocketEndpoint {

    private static final HeaderName PROTOCOL = HeaderNames.create("Sec-WebSocket-Protocol");
    private static final HeaderName KEY = HeaderNames.create("Sec-WebSocket-Key");

    private final Map<String, WebSocketSubProtocol> subProtocols;
    private final ResourceRegistry resources;
    private final CodecRegistry codecs;
    private final Logins logins;
    private final UserQuota quota;
    private final Connections connections;

    /**
     * Creates the endpoint.
     *
     * @param subProtocols  the providers
     * @param resources     what plain WebSockets subscribe to
     * @param codecs        the formats of plain WebSockets
     * @param logins        who an upgrade comes from (Basic, bearer token, session cookie)
     * @param quota         how many WebSockets one user may hold open
     * @param connections   where each plain WebSocket is shown while it lasts (a sub-protocol shows its own)
     */
    public WebSocketEndpoint(List<WebSocketSubProtocol> subProtocols, ResourceRegistry resources, CodecRegistry codecs,
                             Logins logins, UserQuota quota, Connections connections) {
        this.connections = connections;
        this.subProtocols = subProtocols.stream()
                .collect(Collectors.toMap(WebSocketSubProtocol::name, Function.identity()));
        this.resources = resources;
        this.codecs = codecs;
        this.logins = logins;
        this.quota = quota;
    }

    /**
     * The WebSocket routing.
     *
     * @return the routing, for {@code WebServer.builder().addRouting(...)}
     */
    public WsRouting.Builder routing() {
        return WsRouting.builder().endpoint("/*", Listener::new);
    }

    /**
     * The filter that refuses a plain upgrade the caller may not make, with the status a GET would get.
     * Helidon runs HTTP filters before it upgrades.
     *
     * @return the filter, for {@code HttpRouting.Builder.addFilter(...)}
     */
    public Filter upgradeGate() {
        return (chain, request, response) -> {
            Headers headers = request.headers();
            boolean upgrade = headers.first(HeaderNames.UPGRADE).filter("websocket"::equalsIgnoreCase).isPresent();
            Optional<Problem> refusal = upgrade ? refusal(request.prologue(), headers,
                    Logins.client(request.remotePeer())) : Optional.empty();
            if (refusal.isPresent()) {
                refusal.get().send(response);
            } else {
                chain.proceed();
            }
        };
    }

    private Optional<Problem> refusal(HttpPrologue prologue, Headers headers, String client) {
        if (!validKey(headers)) {
            // Helidon's upgrade would fail on it with a 500
            return Optional.of(Problem.of(400, "Sec-WebSocket-Key must be 16 bytes in base64 (RFC 6455 4.1)"));
        }
        try {
            if (subProtocol(headers).isPresent()) {
                // a sub-protocol has logins of its own; credentials on the upgrade must still be right
                logins.presented(headers, client);
            } else {
                recordSocket(prologue, headers, client);
            }
            return Optional.empty();
        } catch (ResourceException e) {
            return Optional.of(Problem.of(e));
        } catch (QueryException e) {
            return Optional.of(Problem.of(e));
        } catch (CodecException e) {
            return Optional.of(Problem.of(e));
        }
    }

    private static boolean validKey(Headers headers) {
        Optional<String> key = headers.first(KEY);
        try {
            return key.isPresent() && Base64.getDecoder().decode(key.get().strip()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Optional<WebSocketSubProtocol> subProtocol(Headers headers) {
        return offered(headers).stream().map(subProtocols::get).filter(p -> p != null).findFirst();
    }

    private static List<String> offered(Headers headers) {
        return headers.contains(PROTOCOL) ? headers.get(PROTOCOL).allValues(true).stream().map(String::strip).toList()
                : List.of();
    }

    /** @param client the client's address, or empty on the upgrade itself (the gate checked it already) */
    private RecordSocket recordSocket(HttpPrologue prologue, Headers headers, String client) {
        Target target = Target.parse(prologue.uriPath().rawPath());
        if (target.kind() == Target.Kind.ROOT) {
            throw ResourceException.notFound("a WebSocket connects to a resource (/T), a record (/T/id), a "
                    + "collection (/T/) or a live query (/T/?query)");
        }
        Resource resource = resources.find(target.resource()).orElseThrow(() -> ResourceException.notFound(
                "no resource /" + target.resource()));
        Principal principal = logins.authenticate(headers, client);
        // connecting reads: a caller who may not read is refused before the upgrade (401 or 403)
        resources.access().require(principal, target.resource(), Permission.READ);
        // and one holding the most connections allowed is refused before it too (429)
        quota.checkConnection(principal);
        StreamParameters parameters = StreamParameters.parse(prologue.query().rawValue());
        Request request = new Request(principal, target.id(), Query.parse(parameters.query()), Optional.empty(),
                Optional.empty(), parameters.replay());
        // what connect would refuse (a query on a record, a live query with sort()) is refused before the upgrade
        resource.checkConnect(request);
        Codec out = codecs.negotiate(headers.first(HeaderNames.ACCEPT).orElse(""));
        Codec in = headers.first(HeaderNames.CONTENT_TYPE).flatMap(codecs::forContentType)
                .filter(Codec::decodes).orElse(codecs.json());
        return new RecordSocket(resource, request, parameters, out, in, quota);
    }

    /**
     * One connection: picks the sub-protocol on upgrade, then hands frames over. Helidon 4.5 tells a listener
     * nothing when the socket ends without a close frame (its frame read is outside the try that calls
     * {@code onError}), but the connection's own thread, which opens the listener, ends then: a watcher
     * joins it, so every connection is reaped once, however it ends.
     */
    private final class Listener implements WsListener {

        private WebSocketSubProtocol chosen;
        private WebSocketSubProtocol.Handshake handshake = WebSocketSubProtocol.Handshake.NONE;
        private RecordSocket plain;
        private OutgoingFrames outgoing;
        private WebSocketSubProtocol.Connection connection;
        private final AtomicBoolean ended = new AtomicBoolean();
        private String path;

        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
            chosen = subProtocol(headers).orElse(null);
            try {
                if (chosen != null) {
                    // the gate checked these credentials already
                    handshake = new WebSocketSubProtocol.Handshake(headers.first(HeaderNames.ACCEPT),
                            headers.first(HeaderNames.CONTENT_TYPE), logins.presented(headers, ""));
                    return Optional.of(WritableHeaders.create().set(PROTOCOL, chosen.name()));
                }
                plain = recordSocket(prologue, headers, "");
                String query = prologue.query().rawValue();
                path = prologue.uriPath().rawPath() + (query.isEmpty() ? "" : "?" + query);
            } catch (ResourceException | QueryException | CodecException e) {
                // upgradeGate answered these already; a failure here means the resource changed meanwhile
                throw new WsUpgradeException(e.getMessage(), e);
            }
            List<String> offered = offered(headers);
            // a browser fails the connection unless one of the sub-protocols it offered is echoed
            return Optional.of(offered.isEmpty() ? WritableHeaders.create()
                    : WritableHeaders.create().set(PROTOCOL, offered.getFirst()));
        }

        @Override
        public void onOpen(WsSession session) {
            Thread handler = Thread.currentThread();
            Thread.ofVirtual().name("ws-watch").start(() -> {
                try {
                    handler.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ended("connection lost");
            });
            if (plain != null) {
                plain.open(session, connections, path, remoteAddress(session));
                return;
            }
            outgoing = new OutgoingFrames(session, remoteAddress(session), () -> ended("connection lost"));
            connection = chosen.open(outgoing, handshake);
            outgoing.connection(connection);
        }

        @Override
        public void onMessage(WsSession session, BufferData buffer, boolean last) {
            if (plain != null) {
                plain.receive(session, buffer.readBytes());
            } else {
                connection.receive(buffer.readBytes());
            }
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            if (plain != null) {
                plain.receive(session, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else {
                outgoing.close(1003, "binary frames only");
            }
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            ended("closed with status " + status + (reason == null || reason.isEmpty() ? "" : ": " + reason));
        }

        @Override
        public void onError(WsSession session, Throwable error) {
            ended("connection lost");
        }

        private void ended(String why) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            if (plain != null) {
                plain.closed(why);
            } else if (connection != null) {
                outgoing.stop();
                connection.closed();
            }
        }
    }

    private static String remoteAddress(WsSession session) {
        try {
            return String.valueOf(session.socketContext().remotePeer().address());
        } catch (RuntimeException e) {
            return "(gone)";
        }
    }
}
