package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
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
    static ServerProcess server;
    static RestClient admin;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0", "--data",
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
    void anUpgradeToNothingServedIsRefused() {
        assertThrows(ExecutionException.class, () -> open("/Nowhere/1", null));
        assertThrows(ExecutionException.class, () -> open("/Dog/1?bad((", null));
    }
}
