package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server-Sent Events of records, collections and live queries from the built server. */
class SseIT {

    @TempDir
    static Path folder;
    static InProcessServer server;
    static RestClient admin;
    static int port;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path config = Files.writeString(folder.resolve("pier-config.yaml"), "http:\n  sse:\n    keepAlive: PT1S\n");
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0", "--config",
                config.toString(), "--data", folder.resolve("data").toString());
        port = server.awaitReady();
        admin = new RestClient(port, "admin", "s3cret");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** An open event stream: its response and its lines as they come. */
    record Stream(HttpResponse<java.io.InputStream> response, BlockingQueue<String> lines) implements AutoCloseable {
        String line() throws InterruptedException {
            String line = lines.poll(5, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("no line within 5 s");
            }
            return line;
        }

        /** The next event: its field lines, up to the blank line. */
        List<String> event() throws InterruptedException {
            List<String> fields = new ArrayList<>();
            for (String line = line(); !line.isEmpty(); line = line()) {
                fields.add(line);
            }
            return fields;
        }

        JsonNode data(List<String> event) {
            String data = event.stream().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6);
            return RestClient.read(RestClient.JSON, data.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws Exception {
            response.body().close();
        }
    }

    static Stream open(String path, String accept) throws Exception {
        HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + path)).header("Accept", accept).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // closed
            }
        });
        return new Stream(response, lines);
    }

    @Test
    void aRecordStreamStartsAtOnceEvenBeforeTheRecordExists() throws Exception {
        try (Stream stream = open("/Dog/sse1", "text/event-stream")) {
            // the headers came before any record did
            assertThat(stream.response().statusCode(), is(200));
            assertThat(stream.response().headers().firstValue("Content-Type").orElseThrow(),
                    startsWith("text/event-stream"));
            assertThat(stream.event(), is(List.of("retry: 3000")));
            List<String> synced = stream.event();
            assertThat(synced.getFirst(), is("event: synced"));
            assertThat(synced.get(1), startsWith("id: "));
            admin.putJson("/Dog/sse1", "{\"name\":\"Sse\",\"age\":1}");
            List<String> put = stream.event();
            assertThat(put.getFirst(), is("event: put"));
            JsonNode data = stream.data(put);
            assertThat(data.get("value").get("name").asText(), is("Sse"));
            assertThat(put.get(1), is("id: " + data.get("sequence").asLong()));
            admin.method("DELETE", "/Dog/sse1", "application/json", new byte[0]);
            assertThat(stream.event().getFirst(), is("event: delete"));
            // idle: a keep-alive comment every second here
            assertThat(stream.line(), is(": keep-alive"));
        }
    }

    @Test
    void aStalledStreamInDeliveryModeLatestGetsTheNewestValuesAndCountsEveryChange() throws Exception {
        HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/Dog/latest1?delivery=latest")).header("Accept", "text/event-stream")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:s3cret"
                        .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofInputStream());
        int changes = 60;
        String big = "x".repeat(500_000); // a few of these fill the socket's buffers: the stream stalls
        for (int i = 1; i <= changes; i++) {
            admin.putJson("/Dog/latest1", "{\"name\":\"v" + i + "\",\"breed\":\"" + big + "\"}");
        }
        long stoodFor = 0;
        String last = null;
        boolean merged = false;
        try (Stream stream = new Stream(response, new LinkedBlockingQueue<>());
             BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                     StandardCharsets.UTF_8))) {
            while (stoodFor < changes) {
                String line = reader.readLine();
                if (line.startsWith("data: ") && line.contains("\"type\":\"put\"")) {
                    JsonNode data = RestClient.read(RestClient.JSON, line.substring(6).getBytes(StandardCharsets.UTF_8));
                    stoodFor += 1 + data.path("merged").asLong();
                    merged |= data.has("merged");
                    last = data.get("value").get("name").asText();
                }
            }
            assertThat(stream.response().statusCode(), is(200));
        }
        assertThat(stoodFor, is((long) changes));
        assertThat(last, is("v" + changes));
        assertThat("changes were merged while the stream stalled", merged, is(true));
        HttpResponse<byte[]> refused = admin.get("/Dog/latest1?delivery=sometimes", "text/event-stream");
        assertThat(refused.statusCode(), is(400));
    }

    @Test
    void usersAreWatchedLikeATableAndNeverShowACredential() throws Exception {
        try (Stream stream = open("/$users/", "text/event-stream")) {
            assertThat(stream.event(), is(List.of("retry: 3000")));
            List<String> admin = stream.event();
            assertThat(admin.getFirst(), is("event: put"));
            assertThat(stream.data(admin).get("id").asText(), is("admin"));
            assertThat(stream.event().getFirst(), is("event: synced"));
            SseIT.admin.putJson("/$users/zoe", "{\"password\": \"pw-zoe\", \"roles\": []}");
            List<String> zoe = stream.event();
            assertThat(zoe.getFirst(), is("event: put"));
            JsonNode value = stream.data(zoe).get("value");
            assertThat(value.toString(), is("{\"name\":\"zoe\",\"roles\":[]}"));
            SseIT.admin.method("DELETE", "/$users/zoe", "application/json", new byte[0]);
            assertThat(stream.event().getFirst(), is("event: delete"));
        }
    }

    @Test
    void aLiveQueryStreamSaysWhenARecordLeavesTheMatch() throws Exception {
        admin.putJson("/Dog/q1", "{\"name\":\"Old\",\"age\":12}");
        try (Stream stream = open("/Dog/?age=gt=10", "application/json;q=0.5, text/event-stream")) {
            stream.event(); // retry
            assertThat(stream.data(stream.event()).get("id").asText(), is("q1"));
            assertThat(stream.event().getFirst(), is("event: synced"));
            admin.putJson("/Dog/q1", "{\"name\":\"Old\",\"age\":2}");
            JsonNode left = stream.data(stream.event());
            assertThat(left.get("type").asText(), is("delete"));
            assertThat(left.get("reason").asText(), is("left"));
        }
    }

    @Test
    void aClientThatPrefersJsonGetsJson() throws Exception {
        admin.putJson("/Dog/j1", "{\"name\":\"J\"}");
        HttpResponse<byte[]> response = admin.get("/Dog/j1", "application/json, text/event-stream;q=0.1");
        assertThat(response.headers().firstValue("Content-Type").orElseThrow(), is("application/json"));
        assertThat(admin.get("/Dog/j1?age=1", "text/event-stream").statusCode(), is(400));
    }
}
