package pier.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * Three nats-server processes (routed, JetStream streams with three replicas) and three Pier processes:
 * writes over REST and MQTT on every node at once, concurrent writes to the same records, a node killed
 * with SIGKILL during writes, the stream's NATS leader killed during writes, and a node whose schema is
 * not the cluster's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @TempDir
    static Path folder;

    private NatsServers nats;
    private final List<ClusterNode> nodes = new ArrayList<>();

    @BeforeAll
    void startCluster() throws Exception {
        nats = NatsServers.start(folder, 3);
        for (String id : List.of("a", "b", "c")) {
            nodes.add(new ClusterNode(id, folder.resolve("pier-" + id), nats.urls(), 3));
        }
        // started together: the first to come makes the streams, the others find them
        List<Thread> starting = nodes.stream().map(node -> Thread.ofVirtual().start(() -> {
            try {
                node.start();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })).toList();
        for (Thread thread : starting) {
            thread.join();
        }
        nodes.forEach(node -> assertThat(node + " started", node.rest() != null, is(true)));
    }

    @AfterAll
    void stopCluster() throws Exception {
        for (ClusterNode node : nodes) {
            node.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    @Order(1)
    void writesOnEveryNodeAtOnceConvergeAndEverySubscriberSeesEveryChangeInOrder() throws Exception {
        List<ClusterMqtt.Subscriber> subscribers = new ArrayList<>();
        for (ClusterNode node : nodes) {
            subscribers.add(new ClusterMqtt.Subscriber(node, "Dog/+", "plain/#"));
        }
        try {
            List<Thread> writers = new ArrayList<>();
            for (ClusterNode node : nodes) {
                writers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 1; i <= 50; i++) {
                        assertThat(node.rest().putJson("/Dog/" + node.id + "-r" + i % 10, dog(node.id, i))
                                .statusCode() / 100, is(2));
                    }
                }));
                writers.add(Thread.ofPlatform().start(() -> publishRecords(node)));
            }
            for (Thread writer : writers) {
                writer.join();
            }
            // a message no table keeps, QoS 0 and 1, from a to the subscribers of every node
            MqttClient publisher = ClusterMqtt.client(nodes.getFirst(), "plain-publisher");
            publisher.publish("plain/one", "at most once".getBytes(StandardCharsets.UTF_8), 0, false);
            publisher.publish("plain/two", "at least once".getBytes(StandardCharsets.UTF_8), 1, false);
            ClusterMqtt.close(publisher);
            awaitSameDumps(60);
            for (ClusterMqtt.Subscriber subscriber : subscribers) {
                await().atMost(CONVERGE).untilAsserted(() -> {
                    for (ClusterNode writer : nodes) {
                        for (String kind : List.of("r", "m")) {
                            for (int k = 0; k < 10; k++) {
                                assertThat(subscriber + " saw every change to " + writer.id + "-" + kind + k
                                        + " in order", subscriber.seen(writer.id + "-" + kind + k), is(expected(k)));
                            }
                        }
                    }
                    assertThat(subscriber.plain, hasItem("plain/one=at most once"));
                    assertThat(subscriber.plain, hasItem("plain/two=at least once"));
                });
            }
        } finally {
            for (ClusterMqtt.Subscriber subscriber : subscribers) {
                subscriber.close();
            }
        }
    }

    @Test
    @Order(2)
    void concurrentWritesToTheSameHundredRecordsFromThreeNodesEndTheSameEverywhere() throws Exception {
        List<Thread> writers = new ArrayList<>();
        for (ClusterNode node : nodes) {
            writers.add(Thread.ofPlatform().start(() -> {
                for (int round = 1; round <= 2; round++) {
                    for (int i = 0; i < 100; i++) {
                        assertThat(node.rest().putJson("/Dog/same-" + i, dog(node.id, round)).statusCode() / 100,
                                is(2));
                    }
                }
            }));
        }
        for (Thread writer : writers) {
            writer.join();
        }
        Map<String, JsonNode> converged = awaitSameDumps(60 + 100);
        for (int i = 0; i < 100; i++) {
            JsonNode record = converged.get("same-" + i);
            assertThat(Set.of("a", "b", "c").contains(record.get("name").asText()), is(true));
            assertThat(record.get("age").asInt(), is(2));
        }
    }

    @Test
    @Order(3)
    void aNodeKilledDuringWritesLosesNoAcknowledgedWriteAndConverges() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        ClusterNode victim = nodes.get(2);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        for (ClusterNode node : List.of(nodes.get(0), victim)) {
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; writing.get(); i++) {
                    String id = "kill-" + node.id + "-" + i;
                    try {
                        if (node.rest().putJson("/Dog/" + id, dog(node.id, i)).statusCode() / 100 == 2) {
                            acknowledged.add(id);
                        }
                    } catch (RuntimeException e) {
                        return; // the node is gone
                    }
                }
            }));
        }
        await().atMost(CONVERGE).until(() -> acknowledged.stream().filter(id -> id.startsWith("kill-c")).count() > 200);
        victim.kill();
        long beforeRestart = acknowledged.size();
        victim.start();
        // the other node's writer goes on while the victim comes back and catches up
        await().atMost(CONVERGE).until(() -> acknowledged.size() > beforeRestart + 100);
        writing.set(false);
        for (Thread writer : writers) {
            writer.join();
        }
        await().atMost(CONVERGE).untilAsserted(() -> {
            for (ClusterNode node : nodes) {
                Set<String> held = node.dump("Dog").keySet();
                assertThat(node + " misses acknowledged writes", acknowledged.stream().filter(id -> !held.contains(id))
                        .toList(), empty());
            }
        });
        awaitSameDumps(-1);
    }

    @Test
    @Order(4)
    void theStreamLeaderKilledDuringWritesLosesNothingAndReplicationGoesOn() throws Exception {
        String leader;
        try (Connection look = nats.connect()) {
            leader = look.jetStreamManagement().getStreamInfo("PIER_CHANGES").getClusterInfo().getLeader();
        }
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicLong stall = new AtomicLong();
        try (ClusterMqtt.Subscriber watcher = new ClusterMqtt.Subscriber(nodes.get(1), "Dog/+")) {
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 400; i++) {
                    String id = "leader-" + i;
                    if (nodes.getFirst().rest().putJson("/Dog/" + id, "{\"name\":\"" + System.currentTimeMillis()
                            + "\",\"age\":" + i + "}").statusCode() / 100 == 2) {
                        acknowledged.add(id);
                    }
                    // paced, about 100 writes a second
                    sleepQuietly(10);
                }
            });
            await().atMost(CONVERGE).until(() -> acknowledged.size() > 80);
            nats.kill(nats.named(leader));
            writer.join();
            await().atMost(CONVERGE).untilAsserted(() -> {
                for (ClusterNode node : nodes) {
                    Set<String> held = node.dump("Dog").keySet();
                    assertThat(node + " misses acknowledged writes", acknowledged.stream()
                            .filter(id -> !held.contains(id)).toList(), empty());
                }
            });
            stall.set(watcher.longestDelayMillis("leader-"));
        } finally {
            nats.restart(nats.named(leader));
        }
        System.out.println("cluster: stream leader " + leader + " killed; longest cross-node delay " + stall.get()
                + " ms");
        awaitSameDumps(-1);
    }

    @Test
    @Order(5)
    void usersAndRolesMadeOnOneNodeHoldOnTheOthersAtOnce() throws Exception {
        RestClient admin = nodes.getFirst().rest();
        assertThat(admin.putJson("/$roles/reader", "{\"tables\": {\"Dog\": [\"read\"]}}").statusCode() / 100, is(2));
        assertThat(admin.putJson("/$users/ann", "{\"password\": \"first\", \"roles\": [\"reader\"]}")
                .statusCode() / 100, is(2));
        RestClient annOnB = nodes.get(1).rest("ann", "first");
        await().atMost(CONVERGE).until(() -> annOnB.get("/Dog/same-1", "application/json").statusCode() == 200);
        // the role loses its right on a: refused on b
        assertThat(admin.putJson("/$roles/reader", "{\"tables\": {\"Dog\": []}}").statusCode() / 100, is(2));
        await().atMost(CONVERGE).until(() -> annOnB.get("/Dog/same-1", "application/json").statusCode() == 403);
        // a new password on a: the old one no longer opens b, though b checked it a moment ago
        assertThat(admin.putJson("/$users/ann", "{\"password\": \"second\", \"roles\": [\"reader\"]}")
                .statusCode() / 100, is(2));
        await().atMost(CONVERGE).until(() -> annOnB.get("/Dog/same-1", "application/json").statusCode() == 401);
        assertThat(nodes.get(1).rest("ann", "second").get("/Dog/same-1",
                "application/json").statusCode(), is(403));
    }

    @Test
    @Order(6)
    void aQosOneMessageSentWhileANodeIsDownReachesItsDurableSessionWhenItIsBack() throws Exception {
        ClusterNode b = nodes.get(1);
        MqttClient durable = new MqttClient("tcp://127.0.0.1:" + b.mqttPort(), "durable-on-b", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("admin");
        options.setPassword(ClusterNode.PASSWORD.toCharArray());
        options.setCleanSession(false);
        List<String> received = new CopyOnWriteArrayList<>();
        durable.setCallback(ClusterMqtt.collecting(received));
        durable.connect(options);
        durable.subscribe("alerts/#", 1);
        MqttClient publisher = ClusterMqtt.client(nodes.getFirst(), "alert-publisher");
        publisher.publish("alerts/before", "seen".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(CONVERGE).until(() -> received.contains("alerts/before=seen"));
        durable.disconnect();
        b.stop();
        publisher.publish("alerts/while-down", "kept".getBytes(StandardCharsets.UTF_8), 1, false);
        ClusterMqtt.close(publisher);
        b.start();
        durable = new MqttClient("tcp://127.0.0.1:" + b.mqttPort(), "durable-on-b", new MemoryPersistence());
        durable.setCallback(ClusterMqtt.collecting(received));
        durable.connect(options);
        await().atMost(CONVERGE).until(() -> received.contains("alerts/while-down=kept"));
        ClusterMqtt.close(durable);
    }

    @Test
    @Order(7)
    void aRetainedPlainTopicAndAMessageToARecordReachTheOtherNodes() throws Exception {
        try (ClusterMqtt.Subscriber onB = new ClusterMqtt.Subscriber(nodes.get(1), "Dog/+")) {
            MqttClient publisher = ClusterMqtt.client(nodes.getFirst(), "status-publisher");
            publisher.publish("status/a", "online".getBytes(StandardCharsets.UTF_8), 1, true);
            // not retained to a record: a message to its subscribers, the record unchanged
            publisher.publish("Dog/same-1", "{\"note\":\"hello\",\"age\":-1}".getBytes(StandardCharsets.UTF_8), 1,
                    false);
            ClusterMqtt.close(publisher);
            await().atMost(CONVERGE).until(() -> onB.seen("same-1").contains(-1));
        }
        // a subscriber that comes later to c gets the retained message of a
        await().atMost(CONVERGE).untilAsserted(() -> {
            try (ClusterMqtt.Subscriber onC = new ClusterMqtt.Subscriber(nodes.get(2), "status/#")) {
                await().atMost(Duration.ofSeconds(2)).until(() -> onC.plain.contains("status/a=online"));
            }
        });
        assertThat(nodes.get(2).dump("Dog").get("same-1").get("age").asInt(), not(is(-1)));
    }

    @Test
    @Order(8)
    void aMessageInTheLogThatNoNodeWroteOrARecordTooLargeForNatsStopsNothing() throws Exception {
        try (Connection intruder = nats.connect()) {
            intruder.jetStream().publish("pier.changes.intruder", "not a change".getBytes(StandardCharsets.UTF_8));
        }
        // a record larger than the NATS servers' max_payload (1 MB here) stays where it was written, said once
        assertThat(nodes.getFirst().rest().putJson("/Dog/too-large", "{\"name\":\"big\",\"breed\":\""
                + "x".repeat(1_200_000) + "\"}").statusCode() / 100, is(2));
        assertThat(nodes.getFirst().rest().putJson("/Dog/after-intruder", dog("a", 1)).statusCode() / 100, is(2));
        for (ClusterNode node : nodes) {
            await().atMost(CONVERGE).until(() -> node.dump("Dog").containsKey("after-intruder"));
        }
        await().atMost(CONVERGE).until(() -> nodes.get(1).process().stderr().stream()
                .anyMatch(line -> line.contains("of the log passed over")));
        assertThat(nodes.getFirst().process().stderr().stream().filter(line -> line.contains("larger than the NATS "
                + "servers' max_payload")).count(), is(1L));
        assertThat(nodes.get(1).dump("Dog").containsKey("too-large"), is(false));
        assertThat(nodes.getFirst().rest().send(nodes.getFirst().rest().request("/Dog/too-large").DELETE())
                .statusCode() / 100, is(2));
    }

    @Test
    @Order(9)
    void aRequestWithMqttFivePropertiesKeepsThemAcrossNodes() throws Exception {
        // Debian's mosquitto clients: the subscriber on b prints what arrives, properties included
        Process subscriber = new ProcessBuilder("mosquitto_sub", "-V", "mqttv5", "-h", "127.0.0.1", "-p",
                Integer.toString(nodes.get(1).mqttPort()), "-u", "admin", "-P", ClusterNode.PASSWORD, "-t", "req/#",
                "-C", "1", "-W", "60", "-F", "%t|%p|%R|%D|%C|%P").redirectErrorStream(true).start();
        try {
            // published until the subscriber, whose subscription takes effect at some moment, has one
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).until(() -> {
                Process publisher = new ProcessBuilder("mosquitto_pub", "-V", "mqttv5", "-h", "127.0.0.1", "-p",
                        Integer.toString(nodes.getFirst().mqttPort()), "-u", "admin", "-P", ClusterNode.PASSWORD,
                        "-t", "req/lights", "-m", "status?", "-q", "1", "-D", "publish", "response-topic",
                        "reply/lights", "-D", "publish", "correlation-data", "42", "-D", "publish", "user-property",
                        "from", "a", "-D", "publish", "user-property", "trace", "t-1", "-D", "publish",
                        "content-type", "text/plain").redirectErrorStream(true).start();
                publisher.waitFor();
                return !subscriber.isAlive();
            });
            String received = new String(subscriber.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(received, is("req/lights|status?|reply/lights|42|text/plain|from:a trace:t-1"));
        } finally {
            subscriber.destroyForcibly();
        }
    }

    @Test
    @Order(10)
    void aNodeWhoseSchemaIsNotTheClustersRefusesToJoinNamingTheDifference() throws Exception {
        Path schema = folder.resolve("other.graphql");
        Files.writeString(schema, """
                type Dog @table @export {
                  id: ID @primaryKey
                  name: String @indexed
                  age: Float
                  breed: String
                }
                """);
        try (ServerProcess process = ServerProcess.start(List.of("-Xmx160m"), Map.of("PIER_ADMIN_PASSWORD", "x"),
                "--data", folder.resolve("pier-d").toString(), "--http-port", "0", "--cluster", nats.urls(),
                "--node-id", "d", "--cluster-replicas", "3", "--schema", schema.toString())) {
            assertThat(process.awaitExit(), not(is(0)));
            String error = String.join("\n", process.stderr());
            assertThat(error, containsString("schema is not the cluster's"));
            assertThat(error, containsString("attribute Dog.age: Float"));
            assertThat(error, containsString("attribute Dog.age: Int @indexed"));
        }
    }

    // every node answers the same dump; returns it
    private Map<String, JsonNode> awaitSameDumps(int atLeast) {
        AtomicBoolean same = new AtomicBoolean();
        Map<String, JsonNode>[] dump = new Map[1];
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).until(() -> {
            List<Map<String, JsonNode>> dumps = nodes.stream().map(n -> n.dump("Dog")).toList();
            dump[0] = dumps.getFirst();
            same.set(dumps.stream().allMatch(d -> d.equals(dumps.getFirst())) && dumps.getFirst().size() >= atLeast);
            return same.get();
        });
        return dump[0];
    }

    private static String dog(String node, int seq) {
        return "{\"name\":\"" + node + "\",\"age\":" + seq + "}";
    }

    // seq k, k+10, …: what a record written 50 times round-robin over ten ids gets
    private static List<Integer> expected(int k) {
        List<Integer> values = new ArrayList<>();
        for (int i = k == 0 ? 10 : k; i <= 50; i += 10) {
            values.add(i);
        }
        return values;
    }

    private static void publishRecords(ClusterNode node) {
        try {
            MqttClient publisher = ClusterMqtt.client(node, "records-" + node.id);
            for (int i = 1; i <= 50; i++) {
                publisher.publish("Dog/" + node.id + "-m" + i % 10, dog(node.id, i).getBytes(StandardCharsets.UTF_8),
                        1, true);
            }
            ClusterMqtt.close(publisher);
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            throw new AssertionError(e);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
