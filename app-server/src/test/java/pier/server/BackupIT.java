package pier.server;

import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * A backup over HTTP (curl, as {@code ./pier backup} takes it) while four writers write, and an increment
 * after it while they write on, each restored into an empty folder ({@code ./pier restore}'s class) and
 * served again: every record is what the original held at the position restored, told by the original's
 * own history.
 */
class BackupIT {

    private static final String SCHEMA = "type Dog @table(audit: true) @export { id: ID @primaryKey  n: Int  by: Int }";
    private static final int IDS = 1_000;

    @TempDir
    Path folder;

    @Test
    void aBackupAndAnIncrementTakenUnderWritesRestoreTheStateAtTheirPositions() throws Exception {
        Path schema = Files.writeString(folder.resolve("schema.graphql"), SCHEMA);
        Path file = folder.resolve("pier.backup");
        Path increment = folder.resolve("pier.increment");
        Map<String, JsonNode> expected;
        Map<String, JsonNode> expectedAfterIncrement;
        long position;
        try (InProcessServer original = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port",
                "0", "--mqtt-port", "0", "--schema", schema.toString(), "--data", folder.resolve("original").toString())) {
            int port = original.awaitReady();
            RestClient admin = new RestClient(port, "admin", "s3cret");
            for (int i = 0; i < IDS; i++) {
                admin.putJson("/Dog/d" + i, "{\"n\": " + i + ", \"by\": -1}");
            }
            assertThat(new RestClient(port, null, null).method("POST", "/$backup", "application/json", new byte[0])
                    .statusCode(), is(401));
            writeWhile(admin, () -> assertThat(Curl.run("-sS", "-o", file.toString(), "-w", "%{http_code}", "-u",
                    "admin:s3cret", "-X", "POST", "http://127.0.0.1:" + port + "/$backup"), is("200")));
            position = lastLong(file);
            long backedUp = position;
            // an increment: its position must be given, and one the feed cannot serve is refused before any byte
            assertThat(Curl.run("-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u", "admin:s3cret", "-X", "POST",
                    "http://127.0.0.1:" + port + "/$backup?after=" + (position + 1_000_000)), is("409"));
            writeWhile(admin, () -> assertThat(Curl.run("-sS", "-o", increment.toString(), "-w", "%{http_code}", "-u",
                    "admin:s3cret", "-X", "POST", "http://127.0.0.1:" + port + "/$backup?after=" + backedUp), is("200")));
            expected = stateAt(admin, position);
            expectedAfterIncrement = stateAt(admin, lastLong(increment));
            assertThat(lastLong(increment), greaterThan(position));
        }
        assertThat(restored(schema, "restored", file), is(expected));
        assertThat(restored(schema, "restored-incremented", file, increment), is(expectedAfterIncrement));
    }

    // what the original held at a position, by each record's history
    private static Map<String, JsonNode> stateAt(RestClient admin, long position) {
        Map<String, JsonNode> state = new HashMap<>();
        for (int i = 0; i < IDS + 100; i++) {
            JsonNode changes = RestClient.json(admin.get("/Dog/d" + i + "?history", "application/json"));
            for (JsonNode change : changes) {
                if (change.get("sequence").asLong() <= position) {
                    if (change.get("type").asText().equals("put")) {
                        state.put("d" + i, change.get("value"));
                    }
                    break;
                }
            }
        }
        assertThat(state.size(), greaterThan(IDS / 2));
        return state;
    }

    // the records a server started on the folder restored from the files answers
    private Map<String, JsonNode> restored(Path schema, String name, Path... files) throws Exception {
        Path restored = folder.resolve(name);
        List<String> args = new ArrayList<>(java.util.Arrays.stream(files).map(Path::toString).toList());
        args.addAll(List.of("--data", restored.toString()));
        Restore.main(args.toArray(String[]::new));
        try (InProcessServer again = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "other"), "--http-port", "0",
                "--mqtt-port", "0", "--schema", schema.toString(), "--data", restored.toString())) {
            RestClient admin = new RestClient(again.awaitReady(), "admin", "s3cret");
            Map<String, JsonNode> actual = new HashMap<>();
            RestClient.json(admin.get("/Dog/", "application/json")).forEach(dog -> actual.put(dog.get("id").asText(),
                    dog));
            return actual;
        }
    }

    // four writers put and delete records until the action is done
    private static void writeWhile(RestClient admin, Runnable action) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(4);
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                running.add(writers.submit(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        String id = "d" + ThreadLocalRandom.current().nextInt(IDS + 100);
                        HttpResponse<byte[]> answer = n % 5 == 4
                                ? admin.send(admin.request("/Dog/" + id).DELETE())
                                : admin.putJson("/Dog/" + id, "{\"n\": " + n + ", \"by\": " + writer + "}");
                        assertThat(answer.statusCode() / 100, is(2));
                        if (n == 20) {
                            started.countDown();
                        }
                    }
                    return null;
                }));
            }
            started.await(30, TimeUnit.SECONDS);
            action.run();
            stop.set(true);
            for (Future<?> writer : running) {
                writer.get(30, TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdownNow();
        }
    }

    private static long lastLong(Path file) throws Exception {
        try (RandomAccessFile backup = new RandomAccessFile(file.toFile(), "r")) {
            backup.seek(backup.length() - Long.BYTES);
            return backup.readLong();
        }
    }
}
