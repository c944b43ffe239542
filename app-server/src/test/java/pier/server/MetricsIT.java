package pier.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.mqtt.testing.MqttProbe;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/**
 * The metrics the runbook ({@code docs/operations.md}) names are the metrics the server exposes, and
 * those of the store, the tables and the protocols move under a load of REST writers, an MQTT publisher
 * and an event stream.
 */
class MetricsIT {

    private static final String SCHEMA = "type Dog @table @export { id: ID @primaryKey  name: String }\n";
    private static final Pattern DOCUMENTED = Pattern.compile("(?m)^\\| `(pier_[a-z_]+)` \\|");

    @TempDir
    static Path folder;
    static InProcessServer server;
    static int port;
    static int mqttPort;
    static RestClient admin;

    @BeforeAll
    static void start() throws Exception {
        Path schema = Files.writeString(folder.resolve("schema.graphql"), SCHEMA);
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--mqtt-port", String.valueOf(ServerProcess.freePort()), "--schema", schema.toString(),
                "--data", folder.resolve("data").toString());
        port = server.awaitReady();
        mqttPort = server.mqttPort();
        admin = new RestClient(port, "admin", "s3cret");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void everyMetricTheRunbookNamesIsExposed() throws Exception {
        String runbook = Files.readString(Path.of("..", "docs", "operations.md"));
        Matcher names = DOCUMENTED.matcher(runbook);
        String exposed = metrics();
        List<String> missing = new ArrayList<>();
        int documented = 0;
        while (names.find()) {
            documented++;
            String name = names.group(1);
            // a histogram is exposed as its buckets, a summary as its count
            if (!Pattern.compile("(?m)^" + name + "(_bucket|_count)?\\{").matcher(exposed).find()) {
                missing.add(name);
            }
        }
        assertThat("documented metrics", documented, greaterThan(30));
        assertThat("documented but not exposed", missing, is(List.of()));
    }

    @Test
    void storeTableAndProtocolMetricsMoveUnderLoad() throws Exception {
        Map<String, Double> before = snapshot();
        int writers = 4;
        int perWriter = 250;
        try (EventLines stream = EventLines.open(port, "admin", "s3cret", "/Dog/");
             MqttProbe publisher = MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "admin", "s3cret");
             ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            stream.until("event: synced");
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        assertThat(admin.putJson("/Dog/w" + writer + "-" + i, "{\"name\": \"n" + i + "\"}")
                                .statusCode(), is(204));
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 200; i++) {
                assertThat(publisher.publish("Dog/m" + i, "{\"name\": \"mqtt\"}", true), is(0));
            }
            for (Future<?> writer : done) {
                writer.get();
            }
            stream.until("event: put"); // the stream is delivering
        }
        Map<String, Double> after = snapshot();
        int writes = writers * perWriter + 200;
        assertThat(moved(before, after, "pier_store_batch_latency_seconds_count"), greaterThanOrEqualTo((double) writes));
        assertThat(moved(before, after, "pier_store_commit_seconds_count"), greaterThan(0.0));
        assertThat(moved(before, after, "pier_store_commit_batches_sum"), greaterThanOrEqualTo((double) writes));
        assertThat(moved(before, after, "pier_table_writes_total{table=\"Dog\"}"), greaterThanOrEqualTo((double) writes));
        assertThat(moved(before, after, "pier_table_events_out_total{table=\"Dog\"}"), greaterThan(0.0));
        assertThat(moved(before, after, "pier_protocol_messages_received_total{protocol=\"mqtt\"}"),
                greaterThanOrEqualTo(200.0));
        assertThat(moved(before, after, "pier_protocol_received_bytes_total{protocol=\"mqtt\"}"),
                greaterThanOrEqualTo(200.0 * 16));
        assertThat(moved(before, after, "pier_protocol_messages_sent_total{protocol=\"sse\"}"), greaterThan(0.0));
        assertThat(moved(before, after, "pier_protocol_connections_opened_total{protocol=\"sse\"}"), is(1.0));
    }

    private static double moved(Map<String, Double> before, Map<String, Double> after, String series) {
        assertThat(series + " is exposed", after.containsKey(series), is(true));
        return after.get(series) - before.getOrDefault(series, 0.0);
    }

    // every sample, by its name and labels (the scope label left out)
    private static Map<String, Double> snapshot() {
        Map<String, Double> samples = new java.util.HashMap<>();
        Matcher line = Pattern.compile("(?m)^(pier_[a-z_]+)\\{([^}]*)} ([0-9.E+-]+)$").matcher(metrics());
        while (line.find()) {
            String labels = line.group(2).replaceAll("scope=\"[^\"]*\",?", "").replaceAll(",$", "");
            samples.put(line.group(1) + (labels.isEmpty() ? "" : "{" + labels + "}"), Double.parseDouble(line.group(3)));
        }
        return samples;
    }

    private static String metrics() {
        return new String(admin.get("/observe/metrics", "text/plain").body(), StandardCharsets.UTF_8);
    }
}
