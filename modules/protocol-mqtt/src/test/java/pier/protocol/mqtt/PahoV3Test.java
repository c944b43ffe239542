package pier.protocol.mqtt;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MQTT 3.1.1 with Eclipse Paho v3 over real sockets. */
class PahoV3Test {

    record Received(String topic, String payload, int qos, boolean retained) {
    }

    TestBroker server;
    final List<MqttClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws InterruptedException {
        server = new TestBroker();
    }

    @AfterEach
    void stop() throws MqttException {
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnectForcibly(100, 100);
            }
            client.close(true);
        }
        server.close();
    }

    MqttClient client(String id) throws MqttException {
        MqttClient client = new MqttClient(server.uri(), id, new MemoryPersistence());
        clients.add(client);
        return client;
    }

    static MqttConnectOptions options(boolean clean) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("u");
        options.setPassword("p".toCharArray());
        options.setCleanSession(clean);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setAutomaticReconnect(false);
        // Paho frees an in-flight slot a moment after a synchronous publish returns
        options.setMaxInflight(1000);
        return options;
    }

    static BlockingQueue<Received> subscribe(MqttClient client, String filter, int qos) throws MqttException {
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        client.subscribe(filter, qos, (topic, message) -> received.add(new Received(topic,
                new String(message.getPayload(), StandardCharsets.UTF_8), message.getQos(), message.isRetained())));
        return received;
    }

    static void publish(MqttClient client, String topic, String payload, int qos, boolean retained)
            throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
    }

    static Received next(BlockingQueue<Received> queue) throws InterruptedException {
        Received received = queue.poll(5, TimeUnit.SECONDS);
        if (received == null) {
            throw new AssertionError("no message within 5 s");
        }
        return received;
    }

    @Test
    void credentialsAreCheckedWithTheCodesOfVersion311() throws MqttException {
        client("good").connect(options(true));
        MqttConnectOptions wrong = options(true);
        wrong.setPassword("nope".toCharArray());
        MqttException refused = assertThrows(MqttException.class, () -> client("bad").connect(wrong));
        assertThat(refused.getReasonCode(), is(4));
        MqttConnectOptions anonymous = new MqttConnectOptions();
        anonymous.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        MqttException unauthorized = assertThrows(MqttException.class, () -> client("anon").connect(anonymous));
        assertThat(unauthorized.getReasonCode(), is(5));
    }

    @Test
    void deliveryIsAtTheLowerOfPublishAndGrantedQos() throws Exception {
        MqttClient subscriber = client("sub");
        subscriber.connect(options(true));
        BlockingQueue<Received> one = subscribe(subscriber, "q/one", 1);
        BlockingQueue<Received> two = subscribe(subscriber, "q/two", 2);
        MqttClient publisher = client("pub");
        publisher.connect(options(true));
        publish(publisher, "q/one", "a", 2, false);
        publish(publisher, "q/two", "b", 0, false);
        publish(publisher, "q/two", "c", 2, false);
        assertThat(next(one), equalTo(new Received("q/one", "a", 1, false)));
        assertThat(next(two), equalTo(new Received("q/two", "b", 0, false)));
        assertThat(next(two), equalTo(new Received("q/two", "c", 2, false)));
    }

    @Test
    void retainedMessagesArriveOnSubscribeWithRetainSetAndEmptyPayloadsClearThem() throws Exception {
        MqttClient publisher = client("pub");
        publisher.connect(options(true));
        publish(publisher, "r/a", "first", 1, true);
        publish(publisher, "r/a", "second", 1, true);
        publish(publisher, "r/b", "bee", 0, true);
        MqttClient subscriber = client("sub");
        subscriber.connect(options(true));
        BlockingQueue<Received> received = subscribe(subscriber, "r/+", 1);
        List<Received> got = List.of(next(received), next(received));
        assertThat(got, contains(new Received("r/a", "second", 1, true), new Received("r/b", "bee", 0, true)));
        // live messages are forwarded with RETAIN=0, even when published retained
        publish(publisher, "r/a", "live", 1, true);
        assertThat(next(received), equalTo(new Received("r/a", "live", 1, false)));
        publisher.publish("r/a", new byte[0], 1, true);
        assertThat(next(received).payload(), is(""));
        MqttClient late = client("late");
        late.connect(options(true));
        BlockingQueue<Received> after = subscribe(late, "r/#", 1);
        assertThat(next(after), equalTo(new Received("r/b", "bee", 0, true)));
        assertThat(after.poll(300, TimeUnit.MILLISECONDS), is((Received) null));
    }

    @Test
    void wildcardsMatchLevelsAndNeverDollarTopics() throws Exception {
        MqttClient subscriber = client("sub");
        subscriber.connect(options(true));
        BlockingQueue<Received> plus = subscribe(subscriber, "w/+/x", 0);
        BlockingQueue<Received> hash = subscribe(subscriber, "#", 0);
        MqttClient publisher = client("pub");
        publisher.connect(options(true));
        for (String topic : List.of("w/1/x", "w/1/y", "w/1/x/z", "w", "$other/w/1/x")) {
            publish(publisher, topic, topic, 0, false);
        }
        publish(publisher, "end", "end", 0, false);
        List<String> all = new ArrayList<>();
        for (Received r = next(hash); !r.topic().equals("end"); r = next(hash)) {
            all.add(r.topic());
        }
        assertThat(all, contains("w/1/x", "w/1/y", "w/1/x/z", "w"));
        assertThat(next(plus).topic(), is("w/1/x"));
        assertThat(plus.poll(200, TimeUnit.MILLISECONDS), is((Received) null));
    }

    @Test
    void aDurableSessionReceivesWhatWasPublishedWhileAwayInOrder() throws Exception {
        MqttClient durable = client("durable");
        assertThat(durable.connectWithResult(options(false)).getSessionPresent(), is(false));
        durable.subscribe("d/#", 1);
        durable.disconnect();
        MqttClient publisher = client("pub");
        publisher.connect(options(true));
        for (int i = 0; i < 100; i++) {
            publish(publisher, "d/" + (i % 3), Integer.toString(i), 1, false);
        }
        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient back = client("durable");
        back.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        assertThat(back.connectWithResult(options(false)).getSessionPresent(), is(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= 100);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(Integer.toString(i));
        }
        assertThat(received, equalTo(expected));
        // a clean connection ends the session
        back.disconnect();
        MqttClient clean = client("durable");
        assertThat(clean.connectWithResult(options(true)).getSessionPresent(), is(false));
    }

    @Test
    void aSecondConnectionWithTheSameIdTakesOver() throws Exception {
        MqttClient first = client("same");
        first.connect(options(true));
        MqttClient second = client("same");
        second.connect(options(true));
        await().atMost(Duration.ofSeconds(5)).until(() -> !first.isConnected());
        assertThat(second.isConnected(), is(true));
    }

    @Test
    void aWillIsPublishedWhenTheConnectionIsLostButNotAfterDisconnect() throws Exception {
        MqttClient watcher = client("watcher");
        watcher.connect(options(true));
        BlockingQueue<Received> wills = subscribe(watcher, "will/#", 1);
        MqttClient polite = client("polite");
        MqttConnectOptions politeOptions = options(true);
        politeOptions.setWill("will/polite", "gone".getBytes(StandardCharsets.UTF_8), 1, false);
        polite.connect(politeOptions);
        polite.disconnect();
        MqttClient rude = client("rude");
        MqttConnectOptions rudeOptions = options(true);
        rudeOptions.setWill("will/rude", "lost".getBytes(StandardCharsets.UTF_8), 1, false);
        rude.connect(rudeOptions);
        // a takeover closes the old connection abnormally
        client("rude").connect(options(true));
        assertThat(next(wills), equalTo(new Received("will/rude", "lost", 1, false)));
        assertThat(wills.poll(300, TimeUnit.MILLISECONDS), is((Received) null));
        assertThat(server.broker.stats().connections(), is(2L));
    }

    @Test
    void unsubscribeStopsDelivery() throws Exception {
        MqttClient subscriber = client("sub");
        subscriber.connect(options(true));
        BlockingQueue<Received> received = subscribe(subscriber, "u/1", 1);
        subscriber.unsubscribe("u/1");
        MqttClient publisher = client("pub");
        publisher.connect(options(true));
        publish(publisher, "u/1", "x", 1, false);
        assertThat(received.poll(300, TimeUnit.MILLISECONDS), is((Received) null));
        assertThat(new ArrayList<>(received), empty());
    }
}
