package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Plain WebSockets on records, collections and live queries of the built server (JDK client). */
class WebSocketIT {

    @TempDir
    static Path folder;
    static InProcessServer server;
    static RestClient admin;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0", "--data",
                folder.resolve("data").toString());
        port = server.awaitReady();
        admin = new RestClient(port, "admin", "s3cret");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** A connected socket and the events it received, decoded from JSON text or CBOR binary frames. */
    record Socket(WebSocket socket, BlockingQueue<JsonNode> events) implements AutoCloseable {
        JsonNode next() throws InterruptedException {
            JsonNode event = events.poll(5, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("no event within 5 s");
            }
            return event;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }

    static Socket open(String path, String accept) throws Exception {
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8)));
        if (accept != null) {
            builder.header("Accept", accept);
        }
        WebSocket socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    events.add(RestClient.read(RestClient.JSON, text.toString().getBytes(StandardCharsets.UTF_8)));
                    text.setLength(0);
                }
                webSocket.request(1);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                events.add(RestClient.read(RestClient.CBOR, bytes));
                webSocket.request(1);
                return CompletableFuture.completedFuture(null);
            }
        }).get(5, TimeUnit.SECONDS);
        return new Socket(socket, events);
    }

    @Test
    void aRecordSocketSendsSyncedThenEveryChangeAndPublishesWhatTheClientSends() throws Exception {
        try (Socket record = open("/Dog/ws1", null); Socket watcher = open("/Dog/ws1", "application/cbor")) {
            assertThat(record.next().get("type").asText(), is("synced"));
            assertThat(watcher.next().get("type").asText(), is("synced"));
            admin.putJson("/Dog/ws1", "{\"name\":\"Ws\",\"age\":2}");
            JsonNode put = record.next();
            assertThat(put.get("type").asText(), is("put"));
            assertThat(put.get("value").get("name").asText(), is("Ws"));
            assertThat(watcher.next().get("value").get("age").asInt(), is(2)); // decoded from CBOR frames
            record.socket().sendText("{\"hello\":\"there\"}", true).get(5, TimeUnit.SECONDS);
            JsonNode message = watcher.next();
            assertThat(message.get("type").asText(), is("message"));
            assertThat(message.get("value").get("hello").asText(), is("there"));
            assertThat(admin.get("/Dog/ws1", "application/json").statusCode(), is(200));
        }
    }

    @Test
    void aLiveQuerySocketSaysWhenARecordLeaves() throws Exception {
        admin.putJson("/Dog/wq", "{\"name\":\"Q\",\"age\":20}");
        try (Socket live = open("/Dog/?age=gt=10", null)) {
            assertThat(live.next().get("id").asText(), is("wq"));
            assertThat(live.next().get("type").asText(), is("synced"));
            admin.putJson("/Dog/wq", "{\"name\":\"Q\",\"age\":1}");
            JsonNode left = live.next();
            assertThat(left.get("type").asText(), is("delete"));
            assertThat(left.get("reason").asText(), is("left"));
        }
    }

    @Test
    void aRefusedUpgradeIsAnsweredWithTheStatusAGetWouldGetBeforeAnySocketOpens() throws Exception {
        String admin = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));
        String missing = handshake("/Nowhere/1", admin);
        assertThat(missing, startsWith("HTTP/1.1 404"));
        assertThat(missing, containsString("application/problem+json"));
        assertThat(missing, containsString("no resource /Nowhere"));
        String anonymous = handshake("/Dog/1", null);
        assertThat(anonymous, startsWith("HTTP/1.1 401"));
        assertThat(anonymous, containsString("WWW-Authenticate: Basic"));
        assertThat(handshake("/Dog/1", "Basic " + Base64.getEncoder().encodeToString("admin:wrong".getBytes(
                StandardCharsets.UTF_8))), startsWith("HTTP/1.1 401"));
        String badQuery = handshake("/Dog/?age=gt=", admin);
        assertThat(badQuery, startsWith("HTTP/1.1 400"));
        assertThat(badQuery, containsString("bad query"));
        assertThat(handshake("/", admin), startsWith("HTTP/1.1 404"));
        String badDelivery = handshake("/Dog/1?delivery=sometimes", admin);
        assertThat(badDelivery, startsWith("HTTP/1.1 400"));
        assertThat(badDelivery, containsString("delivery must be every or latest"));
        assertThat(handshake("/Dog/1?delivery=latest", admin), startsWith("HTTP/1.1 101"));
        assertThat(handshake("/Dog/1", admin), startsWith("HTTP/1.1 101"));
        // and a client library sees the status too
        ExecutionException refused = assertThrows(ExecutionException.class, () -> open("/Nowhere/1", null));
        assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode(), is(404));
    }

    /** The answer to a WebSocket handshake: status line, headers and (for a refusal) the body. */
    static String handshake(String path, String authorization) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                    .matcher(head);
            return head + (length.find() ? new String(in.readNBytes(Integer.parseInt(length.group(1))),
                    StandardCharsets.UTF_8) : "");
        }
    }
}
