package pier.protocol.mqtt;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MQTT 5 with the HiveMQ client over real sockets. */
class HiveMqTest {

    TestBroker server;
    final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws InterruptedException {
        server = new TestBroker();
    }

    @AfterEach
    void stop() {
        clients.stream().filter(c -> c.getState().isConnected()).forEach(Mqtt5BlockingClient::disconnect);
        server.close();
    }

    Mqtt5BlockingClient client(String id) {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(server.port()).buildBlocking();
        clients.add(client);
        return client;
    }

    static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void exactlyOnceBothWaysAndTheServerKeepAlive() throws InterruptedException {
        Mqtt5BlockingClient subscriber = client("h-sub");
        Mqtt5ConnAck ack = subscriber.connectWith().keepAlive(0).simpleAuth().username("u")
                .password("p".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
        // a client that asks for no keep-alive gets the broker's longest one
        assertThat(ack.getServerKeepAlive(), is(OptionalInt.of(3600)));
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("h/#").qos(MqttQos.EXACTLY_ONCE).send();
            Mqtt5BlockingClient publisher = client("h-pub");
            publisher.connectWith().simpleAuth().username("u").password("p".getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth().send();
            for (int i = 0; i < 20; i++) {
                publisher.publishWith().topic("h/" + i).qos(MqttQos.EXACTLY_ONCE)
                        .payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8)).send();
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Mqtt5Publish publish = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
                assertThat(publish.getQos(), is(MqttQos.EXACTLY_ONCE));
                got.add(text(publish));
            }
            assertThat(got.getFirst(), is("0"));
            assertThat(got.getLast(), is("19"));
            assertThat(publishes.receive(300, TimeUnit.MILLISECONDS), is(Optional.empty()));
        }
    }

    @Test
    void nothingLargerThanTheClientsMaximumPacketSizeIsSent() throws InterruptedException {
        Mqtt5BlockingClient small = client("h-small");
        small.connectWith().restrictions().maximumPacketSize(100).applyRestrictions().simpleAuth().username("u")
                .password("p".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = small.publishes(MqttGlobalPublishFilter.ALL)) {
            small.subscribeWith().topicFilter("size/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient publisher = client("h-big");
            publisher.connectWith().simpleAuth().username("u").password("p".getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth().send();
            publisher.publishWith().topic("size/big").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[500]).send();
            publisher.publishWith().topic("size/small").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("ok".getBytes(StandardCharsets.UTF_8)).send();
            Mqtt5Publish first = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(first.getTopic().toString(), is("size/small"));
        }
    }

    @Test
    void overlappingSubscriptionsDeliverOneCopyAtTheHighestQos() throws InterruptedException {
        Mqtt5BlockingClient subscriber = client("h-overlap");
        subscriber.connectWith().simpleAuth().username("u").password("p".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("o/#").qos(MqttQos.AT_MOST_ONCE).send();
            subscriber.subscribeWith().topicFilter("o/+").qos(MqttQos.EXACTLY_ONCE).send();
            subscriber.publishWith().topic("o/1").qos(MqttQos.EXACTLY_ONCE)
                    .payload("x".getBytes(StandardCharsets.UTF_8)).send();
            List<MqttQos> qos = new ArrayList<>();
            publishes.receive(5, TimeUnit.SECONDS).ifPresent(p -> qos.add(p.getQos()));
            publishes.receive(300, TimeUnit.MILLISECONDS).ifPresent(p -> qos.add(p.getQos()));
            assertThat(qos, contains(MqttQos.EXACTLY_ONCE));
        }
    }
}
