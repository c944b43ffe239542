package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.mqtt.testing.RawClient;
import pier.mqtt.testing.RawMqtt;

/**
 * One MQTT connection's retained publishes to records are pipelined: the client sends them all without
 * waiting, the server reads on while they commit, answers every one in the order sent, and every record
 * is written. And a subscriber that holds up its publisher past the stall limit (here 1 s) is disconnected.
 */
class MqttPipelineIT {

    private static final int PUBLISHES = 10_000;

    @TempDir
    static Path folder;
    static InProcessServer server;
    static RestClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--mqtt-port", Integer.toString(ServerProcess.freePort()), "--data", folder.resolve("data").toString(),
                "--mqtt-stall-limit", "1");
        admin = new RestClient(server.awaitReady(), "admin", "s3cret");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void tenThousandRetainedPublishesOfOneConnectionAreAllAnsweredInOrderAndWritten() throws Exception {
        long commitsBefore = commits();
        try (RawClient client = new RawClient(server.mqttPort())) {
            client.timeout(60_000);
            client.send(RawMqtt.connectPacket("pipeline", 60, null, null));
            assertThat(client.read().type(), is(2));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 1; i <= PUBLISHES; i++) {
                all.writeBytes(publish(i));
            }
            // a v3.1.1 client knows no receive maximum: the server reads on as fast as its own limit allows
            client.send(all.toByteArray());
            for (int i = 1; i <= PUBLISHES; i++) {
                RawClient.Packet answer = client.read();
                assertThat("answer " + i, answer.type(), is(4));
                assertThat("PUBACK in the order of the publishes", ((answer.body()[0] & 0xff) << 8)
                        | (answer.body()[1] & 0xff), is(i));
            }
        }
        Map<String, Integer> written = new HashMap<>();
        for (JsonNode dog : RestClient.json(admin.get("/Dog/?name=pipeline", "application/json"))) {
            written.put(dog.path("id").asText(), dog.path("age").asInt());
        }
        assertThat(written.size(), is(PUBLISHES));
        // pipelined: the publishes of the one connection shared commits
        assertThat(commits() - commitsBefore, lessThan((long) PUBLISHES / 2));
        for (int i = 1; i <= PUBLISHES; i++) {
            assertThat(written.get("p" + i), equalTo(i));
        }
    }

    @Test
    void aSubscriberThatHoldsUpItsPublisherPastTheStallLimitIsDisconnectedAndThePublisherGoesOn() throws Exception {
        try (RawClient subscriber = new RawClient(server.mqttPort());
             RawClient publisher = new RawClient(server.mqttPort())) {
            subscriber.timeout(10_000);
            publisher.timeout(10_000);
            // v5, Receive Maximum 1: one message in flight, never acknowledged
            subscriber.send(connect5("stalled", RawClient.bytes(0x21, 0, 1)));
            assertThat(subscriber.read().type(), is(2));
            ByteArrayOutputStream subscribe = new ByteArrayOutputStream();
            subscribe.writeBytes(RawClient.bytes(0, 1, 0)); // packet id 1, no properties
            RawClient.string(subscribe, "stall/#");
            subscribe.write(1);
            subscriber.send(RawClient.packet(0x82, subscribe.toByteArray()));
            assertThat(subscriber.read().type(), is(9));
            publisher.send(RawMqtt.connectPacket("holding", 60, null, null));
            assertThat(publisher.read().type(), is(2));
            int messages = 3_000; // past the subscriber's high-water mark of 1,000
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 1; i <= messages; i++) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                RawClient.string(body, "stall/x");
                body.writeBytes(RawClient.bytes(i >> 8, i & 0xff, 'x'));
                all.writeBytes(RawClient.packet(0x32, body.toByteArray()));
            }
            publisher.send(all.toByteArray());
            for (int i = 1; i <= messages; i++) {
                assertThat("the publisher goes on: answer " + i, publisher.read().type(), is(4));
            }
            RawClient.Packet last = subscriber.read();
            while (last.type() == 3) {
                last = subscriber.read();
            }
            assertThat(last.type(), is(14));
            assertThat(last.body()[0] & 0xff, is(0x97));
        }
    }

    private static byte[] connect5(String clientId, byte[] properties) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        RawClient.string(v, "MQTT");
        v.writeBytes(RawClient.bytes(5, 0x02 | 0x80 | 0x40, 0, 60, properties.length));
        v.writeBytes(properties);
        RawClient.string(v, clientId);
        RawClient.string(v, "admin");
        RawClient.string(v, "s3cret");
        return RawClient.packet(0x10, v.toByteArray());
    }

    private static long commits() {
        String metrics = new String(admin.get("/observe/metrics", "text/plain").body(), StandardCharsets.UTF_8);
        Matcher commits = Pattern.compile("(?m)^pier_store_commits_total(?:\\{[^}]*})? ([0-9.E]+)").matcher(metrics);
        assertThat(metrics, commits.find(), is(true));
        return (long) Double.parseDouble(commits.group(1));
    }

    private static byte[] publish(int packetId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        RawClient.string(body, "Dog/p" + packetId);
        body.write(packetId >> 8);
        body.write(packetId & 0xff);
        body.writeBytes(("{\"id\":\"p" + packetId + "\",\"name\":\"pipeline\",\"age\":" + packetId + "}")
                .getBytes(StandardCharsets.UTF_8));
        return RawClient.packet(0x33, body.toByteArray()); // PUBLISH, QoS 1, retained
    }
}
