package pier.protocol.mqtt;

import pier.mqtt.testing.RawClient;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static pier.mqtt.testing.RawClient.bytes;
import static pier.mqtt.testing.RawClient.packet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rest of MQTT 5: topic aliases both ways, shared subscriptions, receive maximum, response information. */
class Mqtt5FeaturesTest {

    TestBroker server;
    final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws InterruptedException {
        server = new TestBroker(false, new MqttSettings(1 << 20, 2, Duration.ofHours(1), 10_000, 100,
                Duration.ofDays(1), Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        clients.stream().filter(c -> c.getState().isConnected()).forEach(Mqtt5BlockingClient::disconnect);
        server.close();
    }

    Mqtt5BlockingClient client(String id) {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(server.port()).buildBlocking();
        client.connectWith().simpleAuth().username("u").password("p".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        clients.add(client);
        return client;
    }

    private static byte[] subscribe(String filter) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(bytes(0x00, 0x01, 0x00));
        RawClient.string(body, filter);
        body.write(0x00);
        return packet(0x82, body.toByteArray());
    }

    @Test
    void inboundTopicAliasesStandForTheirTopic() throws Exception {
        Mqtt5BlockingClient watcher = client("watcher");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("al/x").send();
            try (RawClient raw = new RawClient(server.port())) {
                raw.send(RawClient.connect5("aliaser", new byte[0]));
                raw.read();
                raw.send(packet(0x30, bytes(0x00, 0x04, 'a', 'l', '/', 'x', 0x03, 0x23, 0x00, 0x01, '1')));
                raw.send(packet(0x30, bytes(0x00, 0x00, 0x03, 0x23, 0x00, 0x01, '2')));
                for (String expected : List.of("1", "2")) {
                    Mqtt5Publish publish = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
                    assertThat(publish.getTopic().toString(), is("al/x"));
                    assertThat(new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8), is(expected));
                }
            }
        }
    }

    @Test
    void outboundTopicAliasesAreUsedUpToTheClientsMaximum() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(RawClient.connect5("alias-out", bytes(0x22, 0x00, 0x04))); // Topic Alias Maximum 4
            raw.read();
            raw.send(subscribe("al/y"));
            raw.read();
            Mqtt5BlockingClient publisher = client("alias-pub");
            publisher.publishWith().topic("al/y").payload(bytes('a')).send();
            publisher.publishWith().topic("al/y").payload(bytes('b')).send();
            byte[] first = raw.read().body();
            byte[] second = raw.read().body();
            // first: topic "al/y" and alias 1; then an empty topic with alias 1
            assertThat(new String(first, 2, 4, StandardCharsets.UTF_8), is("al/y"));
            assertThat(first[7] == 0x23 && first[9] == 1, is(true));
            assertThat(second[0] == 0 && second[1] == 0, is(true));
            assertThat(second[3] == 0x23 && second[5] == 1, is(true));
        }
    }

    @Test
    void sharedSubscriptionsSpreadMessagesOverTheMembers() throws Exception {
        Mqtt5BlockingClient one = client("member-1");
        Mqtt5BlockingClient two = client("member-2");
        try (var first = one.publishes(MqttGlobalPublishFilter.ALL);
             var second = two.publishes(MqttGlobalPublishFilter.ALL)) {
            one.subscribeWith().topicFilter("$share/g/sh/#").qos(MqttQos.AT_LEAST_ONCE).send();
            two.subscribeWith().topicFilter("$share/g/sh/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient publisher = client("sharer");
            for (int i = 0; i < 10; i++) {
                publisher.publishWith().topic("sh/" + i).qos(MqttQos.AT_LEAST_ONCE).payload(bytes('x')).send();
            }
            int toFirst = drain(first);
            int toSecond = drain(second);
            assertThat(toFirst + toSecond, is(10));
            assertThat(toFirst, is(5));
            two.disconnect();
            for (int i = 0; i < 4; i++) {
                publisher.publishWith().topic("sh/" + i).qos(MqttQos.AT_LEAST_ONCE).payload(bytes('y')).send();
            }
            assertThat(drain(first), is(4));
        }
    }

    private static int drain(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        int count = 0;
        for (Optional<Mqtt5Publish> p = publishes.receive(1, TimeUnit.SECONDS); p.isPresent();
             p = publishes.receive(300, TimeUnit.MILLISECONDS)) {
            count++;
        }
        return count;
    }

    @Test
    void aClientExceedingTheReceiveMaximumIsDisconnected() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(RawClient.connect5("greedy", new byte[0]));
            raw.read();
            for (int id = 1; id <= 3; id++) {
                // QoS 2, never released
                raw.send(packet(0x34, bytes(0x00, 0x01, 'q', 0x00, id, 0x00, 'x')));
            }
            List<RawClient.Packet> packets = raw.untilClosed();
            RawClient.Packet last = packets.getLast();
            assertThat(last.type(), is(14));
            assertThat(last.body()[0] & 0xff, is(0x93));
        }
    }

    @Test
    void anExpiredMessageWaitingForAnAbsentClientIsNotSentAndTheRestCountDown() throws Exception {
        Mqtt5BlockingClient away = MqttClient.builder().useMqttVersion5().identifier("away").serverHost("127.0.0.1")
                .serverPort(server.port()).buildBlocking();
        away.connectWith().cleanStart(true).sessionExpiryInterval(600).simpleAuth().username("u")
                .password("p".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
        away.subscribeWith().topicFilter("exp/#").qos(MqttQos.AT_LEAST_ONCE).send();
        away.disconnect();
        Mqtt5BlockingClient publisher = client("expirer");
        long published = System.currentTimeMillis();
        publisher.publishWith().topic("exp/short").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(1)
                .payload(bytes('s')).send();
        publisher.publishWith().topic("exp/long").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(600)
                .payload(bytes('l')).send();
        // the conditions are time: the short message expired (1 s), the long one two seconds older
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> System.currentTimeMillis() > published + 2_100);
        try (var publishes = away.publishes(MqttGlobalPublishFilter.ALL)) {
            away.connectWith().cleanStart(false).sessionExpiryInterval(600).simpleAuth().username("u")
                    .password("p".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
            clients.add(away);
            Mqtt5Publish only = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(only.getTopic().toString(), is("exp/long"));
            long left = only.getMessageExpiryInterval().orElseThrow();
            assertThat(left <= 598 && left > 500, is(true));
            assertThat(publishes.receive(500, TimeUnit.MILLISECONDS), is(Optional.empty()));
        }
    }

    @Test
    void responseInformationIsGivenWhenAskedFor() throws Exception {
        var client = new org.eclipse.paho.mqttv5.client.MqttClient(server.uri(), "asker", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("u");
        options.setPassword("p".getBytes(StandardCharsets.UTF_8));
        options.setRequestResponseInfo(true);
        IMqttToken token = client.connectWithResult(options);
        assertThat(token.getResponseProperties().getResponseInfo(), notNullValue());
        client.disconnect();
        client.close();
    }
}
