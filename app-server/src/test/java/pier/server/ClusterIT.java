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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import org.eclipse.paho.client.mqttv3.MqttClient;
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
 * with SIGKILL during writes, the stream's NATS leader killed during writes, a message in the log that no
 * node wrote and a record too large for NATS, and a node whose schema is not the cluster's
 * ({@link ClusterMessagingIT} has what crosses nodes besides records).
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
        ClusterNode.startTogether(nodes);
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
            // paced: 100 writes a second, 400 in all
            java.util.concurrent.ScheduledExecutorService writer = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor();
            AtomicLong next = new AtomicLong();
            writer.scheduleAtFixedRate(() -> {
                long i = next.getAndIncrement();
                if (i >= 400) {
                    writer.shutdown();
                    return;
                }
                String id = "leader-" + i;
                if (nodes.getFirst().rest().putJson("/Dog/" + id, "{\"name\":\"" + System.currentTimeMillis()
                        + "\",\"age\":" + i + "}").statusCode() / 100 == 2) {
                    acknowledged.add(id);
                }
            }, 0, 10, java.util.concurrent.TimeUnit.MILLISECONDS);
            await().atMost(CONVERGE).until(() -> acknowledged.size() > 80);
            nats.kill(nats.named(leader));
            assertThat(writer.awaitTermination(CONVERGE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), is(true));
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
    @Order(6)
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
}
