package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An event stream resumed with Last-Event-ID replays the persisted feed, across a restart. */
class SseResumeIT {

    @TempDir
    Path folder;

    /** Reads an event stream until {@code count} events (blank-line separated) have come, then hangs up. */
    private static List<String> events(int port, String path, String lastEventId, int count) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Accept", "text/event-stream").header("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8)));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofLines());
        List<String> events = new ArrayList<>();
        StringBuilder event = new StringBuilder();
        try (var lines = response.body()) {
            var it = lines.iterator();
            while (events.size() < count + 1 && it.hasNext()) {
                String line = it.next();
                if (line.isEmpty()) {
                    events.add(event.toString());
                    event.setLength(0);
                } else {
                    event.append(line).append('\n');
                }
            }
        }
        return events.subList(1, events.size()); // without the retry hint
    }

    private static String field(String event, String name) {
        return event.lines().filter(l -> l.startsWith(name + ": ")).findFirst().map(l -> l.substring(name.length() + 2))
                .orElse("");
    }

    @Test
    void aReconnectReplaysTheChangesItMissedEvenAfterARestartOrSaysReset() throws Exception {
        Path config = Files.writeString(folder.resolve("pier-config.yaml"),
                "feed:\n  maxEntries: 5\n  pruneInterval: PT1S\n");
        String[] args = {"--http-port", "0", "--config", config.toString(), "--data", folder.resolve("data").toString()};
        String seen;
        try (ServerProcess server = ServerProcess.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), args)) {
            int port = server.awaitReady();
            RestClient admin = new RestClient(port, "admin", "s3cret");
            admin.putJson("/Dog/r1", "{\"name\":\"A\"}");
            List<String> first = events(port, "/Dog/r1", null, 2);
            assertThat(field(first.get(1), "event"), is("synced"));
            seen = field(first.get(1), "id");
            admin.putJson("/Dog/r1", "{\"name\":\"B\"}");
            admin.putJson("/Dog/r1", "{\"name\":\"C\"}");
            assertThat(server.terminate(), is(0));
        }
        try (ServerProcess server = ServerProcess.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), args)) {
            int port = server.awaitReady();
            List<String> resumed = events(port, "/Dog/r1", seen, 3);
            assertThat(field(resumed.get(0), "event"), is("put"));
            assertThat(field(resumed.get(0), "data").contains("\"B\""), is(true));
            assertThat(Long.parseLong(field(resumed.get(0), "id")), is(Long.parseLong(seen) + 1));
            assertThat(field(resumed.get(1), "data").contains("\"C\""), is(true));
            assertThat(field(resumed.get(2), "event"), is("synced"));
            // once the feed no longer holds the position, the stream says reset and starts from the state
            RestClient admin = new RestClient(port, "admin", "s3cret");
            for (int i = 0; i < 10; i++) {
                admin.putJson("/Dog/other", "{\"name\":\"" + i + "\"}");
            }
            // the pruner runs every second: wait until the feed has let the position go
            String from = seen;
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> field(events(port, "/Dog/r1", from, 3).getFirst(), "event").equals("reset"));
            List<String> reset = events(port, "/Dog/r1", seen, 3);
            assertThat(field(reset.get(0), "event"), is("reset"));
            assertThat(field(reset.get(1), "data").contains("\"C\""), is(true));
            assertThat(field(reset.get(2), "event"), is("synced"));
        }
    }
}
