package pier.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * The server killed with SIGKILL while REST writers put and delete records (one at a time and in
 * arrays) and an MQTT client publishes retained records (QoS 1), with checkpoints every 200 KB of
 * journal so that kills land in them: after each restart every acknowledged write is there and every
 * acknowledged delete is gone. The data folder carries over from kill to kill.
 */
class KillNineIT {

    private static final int WRITERS = 3;

    @TempDir
    static Path folder;

    /** How many kills the suite makes; a soak raises it: {@code -Dpier.killRuns=120}. */
    static IntStream kills() {
        return IntStream.rangeClosed(1, Integer.getInteger("pier.killRuns", 2));
    }

    @ParameterizedTest(name = "kill {0}")
    @MethodSource("kills")
    void everyAcknowledgedWriteSurvivesKillNineDuringCheckpoints(int kill) throws Exception {
        Set<String> written = ConcurrentHashMap.newKeySet();
        // a delete sent when the server was killed may have been made durable without an answer
        Set<String> deleting = ConcurrentHashMap.newKeySet();
        Set<String> deleted = ConcurrentHashMap.newKeySet();
        int mqttPort = ServerProcess.freePort();
        List<Thread> writers = new ArrayList<>();
        try (ServerProcess server = start(mqttPort)) {
            RestClient admin = new RestClient(server.awaitReady(), "admin", "s3cret");
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(Thread.ofPlatform().start(() -> writeOverRest(admin, kill, writer, written, deleting,
                        deleted)));
            }
            writers.add(Thread.ofPlatform().start(() -> publishOverMqtt(mqttPort, kill, written)));
            int atLeast = 300 + ThreadLocalRandom.current().nextInt(1_500);
            await().atMost(Duration.ofSeconds(60)).until(() -> written.size() > atLeast);
            // SIGKILL: close() kills a server that is still running
        }
        // each writer ends at its first failed request
        for (Thread writer : writers) {
            assertThat(writer.join(Duration.ofSeconds(30)), is(true));
        }
        assertThat(written.size(), greaterThan(300));
        assertThat("MQTT wrote too", written.stream().anyMatch(id -> id.contains("-mqtt-")), is(true));
        assertThat(deleted.size(), greaterThan(10));
        try (ServerProcess server = start(ServerProcess.freePort())) {
            RestClient admin = new RestClient(server.awaitReady(), "admin", "s3cret");
            Set<String> stored = ids(admin);
            List<String> lost = written.stream().filter(id -> !deleting.contains(id) && !stored.contains(id)).toList();
            List<String> back = deleted.stream().filter(stored::contains).toList();
            assertThat("acknowledged writes lost", lost, is(empty()));
            assertThat("acknowledged deletes undone", back, is(empty()));
            assertThat(server.terminate(), is(0));
        }
    }

    private static ServerProcess start(int mqttPort) throws Exception {
        return ServerProcess.startUnderLoad(List.of("-Dpier.mapdb.checkpointBytes=200000"),
                Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0", "--mqtt-port",
                Integer.toString(mqttPort), "--mqtts-port", "0", "--data", folder.resolve("data").toString());
    }

    // puts one record, then an array of ten, then deletes the record written five steps before
    private static void writeOverRest(RestClient admin, int kill, int writer, Set<String> written,
                                      Set<String> deleting, Set<String> deleted) {
        try {
            for (int n = 0; ; n++) {
                String id = "k" + kill + "-w" + writer + "-" + n;
                if (admin.putJson("/Dog/" + id, "{\"name\":\"" + id + "\",\"age\":" + n % 30 + "}").statusCode() == 204) {
                    written.add(id);
                }
                StringBuilder array = new StringBuilder("[");
                for (int i = 0; i < 10; i++) {
                    array.append(i == 0 ? "" : ",").append("{\"id\":\"").append(id).append("-a").append(i)
                            .append("\",\"name\":\"").append("x".repeat(200)).append("\"}");
                }
                if (admin.putJson("/Dog/", array.append(']').toString()).statusCode() == 204) {
                    IntStream.range(0, 10).forEach(i -> written.add(id + "-a" + i));
                }
                String old = "k" + kill + "-w" + writer + "-" + (n - 5);
                if (n >= 5) {
                    deleting.add(old);
                    if (admin.method("DELETE", "/Dog/" + old, "application/json", new byte[0]).statusCode() == 200) {
                        deleted.add(old);
                    }
                }
            }
        } catch (RuntimeException e) {
            // the server was killed
        }
    }

    // a retained QoS 1 publish to a record topic writes the record; the PUBACK acknowledges it
    private static void publishOverMqtt(int port, int kill, Set<String> written) {
        try (MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, "killed-" + kill, new MemoryPersistence())) {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setUserName("admin");
            options.setPassword("s3cret".toCharArray());
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            client.connect(options);
            for (int n = 0; ; n++) {
                String id = "k" + kill + "-mqtt-" + n;
                client.publish("Dog/" + id, ("{\"name\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8), 1, true);
                written.add(id);
            }
        } catch (Exception e) {
            // the server was killed
        }
    }

    private static Set<String> ids(RestClient admin) {
        JsonNode all = RestClient.json(admin.get("/Dog/?select(id)", "application/json"));
        Set<String> ids = new HashSet<>();
        all.forEach(id -> ids.add(id.asText()));
        return ids;
    }
}
