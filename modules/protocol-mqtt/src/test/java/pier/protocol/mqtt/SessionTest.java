package pier.protocol.mqtt;

import pier.mqtt.testing.RawClient;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static pier.mqtt.testing.RawClient.bytes;
import static pier.mqtt.testing.RawClient.packet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Session rules seen on the wire: resends on resume, client ids, the normal-with-will DISCONNECT, backlogs. */
class SessionTest {

    TestBroker server;

    @BeforeEach
    void start() throws InterruptedException {
        server = new TestBroker(false, new MqttSettings(1 << 20, 1024, Duration.ofHours(1), 10, 100,
                Duration.ofDays(1), Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** CONNECT level 4, clean session off. */
    private static byte[] durableConnect(String clientId) {
        byte[] connect = RawClient.connect(4, clientId, 60, null, null);
        // the flags byte follows the 2+4 bytes of "MQTT" and the level: clear the clean-session bit
        int flags = 2 + 1 + 6 + 1;
        connect[flags - 1] &= ~0x02;
        return connect;
    }

    private static byte[] subscribe(int packetId, String filter, int qos) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(bytes(packetId >> 8, packetId & 0xff));
        RawClient.string(body, filter);
        body.write(qos);
        return packet(0x82, body.toByteArray());
    }

    private void publish(String topic, String payload, int qos) throws Exception {
        MqttClient publisher = new MqttClient(server.uri(), "pub" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("u");
        options.setPassword("p".toCharArray());
        publisher.connect(options);
        publisher.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false);
        publisher.disconnect();
        publisher.close();
    }

    @Test
    void anUnacknowledgedPublishIsSentAgainWithDupOnResume() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.send(durableConnect("resume"));
            assertThat(client.read().type(), is(2));
            client.send(subscribe(1, "re/#", 1));
            assertThat(client.read().type(), is(9));
            publish("re/1", "once", 1);
            RawClient.Packet first = client.read();
            assertThat(first.type(), is(3));
            assertThat(first.header() & 0x08, is(0)); // DUP clear
        } // gone without PUBACK
        try (RawClient client = new RawClient(server.port())) {
            client.send(durableConnect("resume"));
            RawClient.Packet connAck = client.read();
            assertThat(connAck.body()[0] & 1, is(1)); // session present
            RawClient.Packet again = client.read();
            assertThat(again.type(), is(3));
            assertThat(again.header() & 0x08, is(0x08)); // DUP set
            assertThat(new String(again.body(), StandardCharsets.UTF_8).endsWith("once"), is(true));
        }
    }

    @Test
    void version311RefusesAnEmptyClientIdWithoutCleanSession() throws IOException {
        try (RawClient client = new RawClient(server.port())) {
            client.send(durableConnect(""));
            RawClient.Packet connAck = client.read();
            assertThat(connAck.type(), is(2));
            assertThat(connAck.body()[1] & 0xff, is(0x02));
            assertThat(client.untilClosed().size(), is(0));
        }
    }

    @Test
    void aDisconnectWithWillStillSendsTheWill() throws Exception {
        try (RawClient watcher = new RawClient(server.port()); RawClient leaver = new RawClient(server.port())) {
            watcher.send(RawClient.connect(4, "watcher", 60, null, null));
            watcher.read();
            watcher.send(subscribe(1, "bye/#", 1));
            watcher.read();
            leaver.send(RawClient.connect(5, "leaver", 60, "bye/leaver", "later"));
            leaver.read();
            leaver.send(bytes(0xe0, 0x01, 0x04)); // DISCONNECT, reason 0x04
            RawClient.Packet will = watcher.read();
            assertThat(will.type(), is(3));
            assertThat(new String(will.body(), StandardCharsets.UTF_8).endsWith("later"), is(true));
        }
    }

    @Test
    void aFullBacklogDropsTheOldestAndCountsThem() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.send(durableConnect("slow"));
            client.read();
            client.send(subscribe(1, "b/#", 1));
            client.read();
        }
        for (int i = 0; i < 15; i++) {
            publish("b/x", Integer.toString(i), 1);
        }
        assertThat(server.broker.stats().messagesDropped(), is(5L));
        try (RawClient client = new RawClient(server.port())) {
            client.send(durableConnect("slow"));
            client.read();
            List<String> payloads = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                byte[] body = client.read().body();
                payloads.add(new String(Arrays.copyOfRange(body, 2 + 3 + 2, body.length), StandardCharsets.UTF_8));
            }
            assertThat(payloads, is(List.of("5", "6", "7", "8", "9", "10", "11", "12", "13", "14")));
        }
    }

    @Test
    void protocolLevel3IsServed() throws Exception {
        MqttClient old = new MqttClient(server.uri(), "old", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1);
        options.setUserName("u");
        options.setPassword("p".toCharArray());
        old.connect(options);
        assertThat(old.isConnected(), is(true));
        old.disconnect();
        old.close();
    }
}
