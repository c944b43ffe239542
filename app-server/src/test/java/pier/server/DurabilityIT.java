package pier.server;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/** Restarts, signals under load, first-start users, and a large table on a small heap. */
class DurabilityIT {

    @TempDir
    Path folder;

    @Test
    void sigtermUnderAWriteLoadLosesNoAcknowledgedWriteAndARestartKeepsRecordsAndUsers() throws Exception {
        Map<String, String> env = Map.of("PIER_ADMIN_PASSWORD", "first");
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        try (ServerProcess server = ServerProcess.startUnderLoad(List.of(),
                env, "--http-port", "0", "--data", data())) {
            RestClient client = new RestClient(server.awaitReady(), "admin", "first");
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> writers = java.util.stream.IntStream.range(0, 8).mapToObj(w -> Thread.ofVirtual().start(() -> {
                for (int i = 0; running.get(); i++) {
                    String id = w + "-" + i;
                    try {
                        if (client.putJson("/Dog/" + id, "{\"name\":\"" + id + "\",\"age\":" + i + "}")
                                .statusCode() == 204) {
                            acknowledged.add(id);
                        }
                    } catch (RuntimeException e) {
                        return;  // the server went away mid-request: not acknowledged
                    }
                }
            })).toList();
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() > 300);
            assertThat(server.terminate(), is(0));
            running.set(false);
            for (Thread writer : writers) {
                writer.join();
            }
        }
        try (ServerProcess again = ServerProcess.startUnderLoad(List.of(),
                Map.of(), "--http-port", "0", "--data", data())) {
            RestClient client = new RestClient(again.awaitReady(), "admin", "first");
            for (String id : acknowledged) {
                HttpResponse<byte[]> read = client.get("/Dog/" + id, "application/json");
                assertThat(id, read.statusCode(), is(200));
                assertThat(RestClient.json(read).get("name").asText(), is(id));
            }
            JsonNode description = RestClient.json(client.get("/Dog", ""));
            assertThat(description.get("records").asLong(), greaterThan((long) acknowledged.size() - 1));
        }
    }

    @Test
    void aFirstStartWithoutAPasswordGeneratesOneShownOnceAndKeptPrivately() throws Exception {
        String password;
        try (ServerProcess server = ServerProcess.startUnderLoad(List.of(),
                Map.of(), "--http-port", "0", "--data", data())) {
            int port = server.awaitReady();
            String line = server.stdout().stream().filter(l -> l.startsWith("pier: created user admin")).findFirst()
                    .orElseThrow();
            password = line.split(" ")[6];
            Path file = Path.of(data(), "admin-password");
            assertThat(Files.readString(file).strip(), is(password));
            assertThat(Files.getPosixFilePermissions(file), is(Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE)));
            assertThat(new RestClient(port, "admin", password).get("/Dog/", "").statusCode(), is(200));
            assertThat(String.join("\n", server.stderr()).contains(password), is(false));
        }
        try (ServerProcess again = ServerProcess.startUnderLoad(List.of(),
                Map.of(), "--http-port", "0", "--data", data())) {
            int port = again.awaitReady();
            assertThat(again.stdout().stream().anyMatch(l -> l.contains("created user")), is(false));
            assertThat(new RestClient(port, "admin", password).get("/Dog/", "").statusCode(), is(200));
        }
    }

    @Test
    void anonymousAccessIsARole() throws Exception {
        try (ServerProcess server = ServerProcess.startUnderLoad(List.of(), Map.of("PIER_ANONYMOUS_ROLE", "public",
                "PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0", "--data", data())) {
            int port = server.awaitReady();
            RestClient anonymous = new RestClient(port, null, null);
            assertThat(anonymous.get("/Dog/a", "").statusCode(), is(401));
            assertThat(new RestClient(port, "admin", "s3cret").putJson("/$roles/public",
                    "{\"tables\": {\"Dog\": [\"read\", \"insert\"]}}").statusCode(), is(204));
            assertThat(anonymous.putJson("/Dog/a", "{\"name\":\"A\"}").statusCode(), is(204));
            assertThat(anonymous.get("/Dog/a", "").statusCode(), is(200));
            assertThat(anonymous.putJson("/Dog/a", "{\"name\":\"B\"}").statusCode(), is(401));
            assertThat(anonymous.method("DELETE", "/Dog/a", "application/json", new byte[0]).statusCode(), is(401));
            assertThat(RestClient.json(anonymous.get("/Dog/a", "")).get("name").asText(), is("A"));
        }
    }

    @Test
    void aHundredThousandRecordsStreamOnASmallHeap() throws Exception {
        int records = 100_000;
        try (ServerProcess server = ServerProcess.startUnderLoad(List.of("-Xmx64m"), Map.of("PIER_ADMIN_PASSWORD", "p"),
                "--http-port", "0", "--data", data())) {
            RestClient client = new RestClient(server.awaitReady(), "admin", "p");
            for (int batch = 0; batch < records / 1000; batch++) {
                StringBuilder array = new StringBuilder("[");
                for (int i = 0; i < 1000; i++) {
                    int n = batch * 1000 + i;
                    array.append(i == 0 ? "" : ",").append("{\"id\":\"").append(n).append("\",\"name\":\"dog number ")
                            .append(n).append("\",\"age\":").append(n % 20).append('}');
                }
                assertThat(client.putJson("/Dog/", array.append(']').toString()).statusCode(), is(204));
            }
            HttpResponse<java.io.InputStream> listing = streamed(client);
            assertThat(listing.statusCode(), is(200));
            long count;
            try (var parser = RestClient.JSON.getFactory().createParser(listing.body())) {
                count = 0;
                parser.nextToken();
                while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    count++;
                }
            }
            assertThat(count, is((long) records));
            assertThat(server.stderr(), not(hasItem(startsWith("java.lang.OutOfMemoryError"))));
        }
    }

    private static HttpResponse<java.io.InputStream> streamed(RestClient client) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(client.request("/Dog/").build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    private static <T> org.hamcrest.Matcher<T> not(org.hamcrest.Matcher<T> matcher) {
        return org.hamcrest.Matchers.not(matcher);
    }

    private String data() {
        return folder.resolve("data").toString();
    }
}
