package pier.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * What crosses nodes besides records, on one nats-server and two Pier processes: users and roles, QoS 1
 * messages for a durable session of a node that was down, retained plain topics and messages to records,
 * and MQTT 5 properties (Debian's mosquitto clients).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMessagingIT {

    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @TempDir
    static Path folder;

    private NatsServers nats;
    private final List<ClusterNode> nodes = new ArrayList<>();

    @BeforeAll
    void startCluster() throws Exception {
        nats = NatsServers.start(folder, 1);
        for (String id : List.of("a", "b")) {
            nodes.add(new ClusterNode(id, folder.resolve("pier-" + id), nats.urls(), 1));
        }
        ClusterNode.startTogether(nodes);
        assertThat(nodes.getFirst().rest().putJson("/Dog/same-1", "{\"name\":\"a\",\"age\":1}").statusCode() / 100,
                is(2));
        await().atMost(CONVERGE).until(() -> nodes.get(1).dump("Dog").containsKey("same-1"));
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
    @Order(2)
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
    @Order(3)
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
        // a subscriber that comes later to b gets the retained message of a
        await().atMost(CONVERGE).untilAsserted(() -> {
            try (ClusterMqtt.Subscriber later = new ClusterMqtt.Subscriber(nodes.get(1), "status/#")) {
                await().atMost(Duration.ofSeconds(2)).until(() -> later.plain.contains("status/a=online"));
            }
        });
        assertThat(nodes.get(1).dump("Dog").get("same-1").get("age").asInt(), not(is(-1)));
    }

    @Test
    @Order(4)
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
}
