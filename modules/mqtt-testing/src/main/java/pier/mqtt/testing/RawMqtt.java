package pier.mqtt.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;


/**
 * MQTT 3.1.1 packets written byte by byte, over TCP, TLS or a WebSocket, for the ways a client ends that
 * no library offers: vanishing without DISCONNECT, falling silent, or stopping reading.
 */
public final class RawMqtt implements AutoCloseable {

    public enum Transport { TCP, TLS, WEBSOCKET }

    private final Socket socket;
    private final WebSocket webSocket;

    private RawMqtt(Socket socket, WebSocket webSocket) {
        this.socket = socket;
        this.webSocket = webSocket;
    }

    /** Opens a connection and sends CONNECT (clean session, user admin) with a retained will. */
    public static RawMqtt connect(Transport transport, int port, String clientId, int keepAlive, String willTopic,
                           String willPayload) throws Exception {
        RawMqtt client = switch (transport) {
            case TCP -> new RawMqtt(new Socket("127.0.0.1", port), null);
            case TLS -> new RawMqtt(trustingAll().getSocketFactory().createSocket("127.0.0.1", port), null);
            case WEBSOCKET -> new RawMqtt(null, HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("mqtt")
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() { })
                    .get(10, TimeUnit.SECONDS));
        };
        client.send(connectPacket(clientId, keepAlive, willTopic, willPayload));
        return client;
    }

    /** Reads the CONNACK's return code (TCP and TLS only). */
    public int connack() throws IOException {
        InputStream in = socket.getInputStream();
        byte[] packet = in.readNBytes(4);
        if (packet.length < 4 || (packet[0] & 0xff) != 0x20) {
            throw new IOException("no CONNACK: " + java.util.Arrays.toString(packet));
        }
        return packet[3];
    }

    public void subscribe(String filter) throws IOException {
        ByteArrayOutputStream variable = new ByteArrayOutputStream();
        variable.writeBytes(new byte[] {0, 1});
        RawClient.string(variable, filter);
        variable.write(1);
        send(RawClient.packet(0x82, variable.toByteArray()));
    }

    public void disconnect() throws IOException {
        send(new byte[] {(byte) 0xe0, 0});
    }

    /** Ends without DISCONNECT: the socket is closed (TCP, TLS) or the WebSocket aborted. */
    public void vanish() throws IOException {
        if (socket != null) {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0); // a reset, as a killed process or a lost network leaves
                socket.close();
            }
        } else {
            webSocket.abort();
        }
    }

    @Override
    public void close() throws IOException {
        vanish();
    }

    private void send(byte[] bytes) throws IOException {
        if (socket != null) {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        } else {
            CompletableFuture<WebSocket> sent = webSocket.sendBinary(ByteBuffer.wrap(bytes), true);
            try {
                sent.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }

    public static byte[] connectPacket(String clientId, int keepAlive, String willTopic, String willPayload) {
        ByteArrayOutputStream variable = new ByteArrayOutputStream();
        RawClient.string(variable, "MQTT");
        variable.write(4);
        int flags = 0x80 | 0x40 | 0x02 | (willTopic == null ? 0 : 0x04 | 0x20 | 0x08); // user, password, clean, will QoS 1 retained
        variable.write(flags);
        variable.write(keepAlive >> 8);
        variable.write(keepAlive & 0xff);
        RawClient.string(variable, clientId);
        if (willTopic != null) {
            RawClient.string(variable, willTopic);
            RawClient.string(variable, willPayload);
        }
        RawClient.string(variable, "admin");
        RawClient.string(variable, "s3cret");
        return RawClient.packet(0x10, variable.toByteArray());
    }

    public static SSLContext trustingAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String type) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String type) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        return context;
    }
}
