package pier.protocol.mqtt;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MQTT 5 with Eclipse Paho v5 over real sockets. */
class PahoV5Test {

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
                client.disconnectForcibly(100, 100, false);
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

    static MqttConnectionOptions options(boolean cleanStart, long expiry) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("u");
        options.setPassword("p".getBytes(StandardCharsets.UTF_8));
        options.setCleanStart(cleanStart);
        options.setSessionExpiryInterval(expiry);
        options.setAutomaticReconnect(false);
        return options;
    }

    /** Collects messages and the reason of a server DISCONNECT. */
    static final class Listener implements MqttCallback {
        final BlockingQueue<MqttMessage> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<String> topics = new LinkedBlockingQueue<>();
        final AtomicInteger disconnectReason = new AtomicInteger(-1);

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            disconnectReason.set(response.getReturnCode());
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            topics.add(topic);
            messages.add(message);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }

        MqttMessage next() throws InterruptedException {
            MqttMessage message = messages.poll(5, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no message within 5 s");
            }
            return message;
        }
    }

    @Test
    void refusalsUseTheVersion5ReasonCodes() throws MqttException {
        MqttConnectionOptions wrong = options(true, 0);
        wrong.setPassword("x".getBytes(StandardCharsets.UTF_8));
        assertThat(assertThrows(MqttException.class, () -> client("a").connect(wrong)).getReasonCode(), is(0x86));
        MqttConnectionOptions anonymous = new MqttConnectionOptions();
        assertThat(assertThrows(MqttException.class, () -> client("b").connect(anonymous)).getReasonCode(),
                is(0x87));
    }

    @Test
    void anEmptyClientIdIsAssignedAndTheLimitsAreAnnounced() throws MqttException {
        MqttClient client = client("");
        IMqttToken token = client.connectWithResult(options(true, 0));
        MqttProperties answer = token.getResponseProperties();
        assertThat(answer.getAssignedClientIdentifier(), startsWith("pier-"));
        assertThat(answer.getReceiveMaximum(), is(1024));
        assertThat(answer.getMaximumPacketSize(), is(1L << 20));
        assertThat(answer.isSharedSubscriptionAvailable(), is(true));
        assertThat(answer.getTopicAliasMaximum(), is(16));
    }

    @Test
    void noLocalRetainHandlingAndSubscriptionIdentifiers() throws Exception {
        // the synchronous client cannot send SUBSCRIBE properties; the asynchronous one can
        var client = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(server.uri(), "self", new MemoryPersistence());
        try {
            Listener listener = new Listener();
            client.setCallback(listener);
            client.connect(options(true, 0)).waitForCompletion(5000);
            client.publish("s/retained", "kept".getBytes(StandardCharsets.UTF_8), 1, true).waitForCompletion(5000);
            MqttSubscription noLocal = new MqttSubscription("s/local", 1);
            noLocal.setNoLocal(true);
            MqttSubscription noRetained = new MqttSubscription("s/retained", 1);
            noRetained.setRetainHandling(2);
            MqttProperties withId = new MqttProperties();
            withId.setSubscriptionIdentifier(7);
            client.subscribe(new MqttSubscription[] {noLocal, noRetained}, null, null, withId)
                    .waitForCompletion(5000);
            client.publish("s/local", "mine".getBytes(StandardCharsets.UTF_8), 1, false).waitForCompletion(5000);
            MqttClient other = client("other");
            other.connect(options(true, 0));
            other.publish("s/local", "theirs".getBytes(StandardCharsets.UTF_8), 1, false);
            MqttMessage received = listener.next();
            assertThat(new String(received.getPayload(), StandardCharsets.UTF_8), is("theirs"));
            assertThat(received.getProperties().getSubscriptionIdentifiers(), contains(7));
            assertThat(listener.messages.poll(300, TimeUnit.MILLISECONDS), nullValue());
        } finally {
            client.disconnectForcibly(100, 100, false);
            client.close(true);
        }
    }

    @Test
    void propertiesTravelWithTheMessage() throws Exception {
        MqttClient subscriber = client("sub");
        Listener listener = new Listener();
        subscriber.setCallback(listener);
        subscriber.connect(options(true, 0));
        subscriber.subscribe("p/1", 2);
        MqttClient publisher = client("pub");
        publisher.connect(options(true, 0));
        MqttMessage message = new MqttMessage("{\"a\":1}".getBytes(StandardCharsets.UTF_8), 2, false, null);
        MqttProperties properties = new MqttProperties();
        properties.setContentType("application/json");
        properties.setResponseTopic("p/reply");
        properties.setCorrelationData(new byte[] {1, 2, 3});
        properties.setPayloadFormat(true);
        properties.setUserProperties(List.of(new org.eclipse.paho.mqttv5.common.packet.UserProperty("k", "v")));
        message.setProperties(properties);
        publisher.publish("p/1", message);
        MqttProperties got = listener.next().getProperties();
        assertThat(got.getContentType(), is("application/json"));
        assertThat(got.getResponseTopic(), is("p/reply"));
        assertThat(got.getCorrelationData(), equalTo(new byte[] {1, 2, 3}));
        assertThat(got.getPayloadFormat(), is(true));
        assertThat(got.getUserProperties().getFirst().getKey(), is("k"));
    }

    @Test
    void aTakenOverConnectionHearsReason0x8E() throws Exception {
        MqttClient first = client("same");
        Listener listener = new Listener();
        first.setCallback(listener);
        first.connect(options(true, 0));
        client("same").connect(options(true, 0));
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.disconnectReason.get() == 0x8E);
    }

    @Test
    void sessionExpiryKeepsTheSessionForItsIntervalOnly() throws Exception {
        MqttClient client = client("expiring");
        assertThat(client.connectWithResult(options(true, 1)).getSessionPresent(), is(false));
        client.subscribe("e/1", 1);
        client.disconnect();
        MqttClient back = client("expiring");
        assertThat(back.connectWithResult(options(false, 1)).getSessionPresent(), is(true));
        back.disconnect();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.broker.sessions.all().stream().noneMatch(s -> s.clientId.equals("expiring")));
        MqttClient late = client("expiring");
        assertThat(late.connectWithResult(options(false, 1)).getSessionPresent(), is(false));
    }

    @Test
    void aDelayedWillWaitsAndIsNotSentWhenTheClientComesBackInTime() throws Exception {
        MqttClient watcher = client("watcher");
        Listener wills = new Listener();
        watcher.setCallback(wills);
        watcher.connect(options(true, 0));
        watcher.subscribe("will/#", 1);
        for (String id : List.of("quick", "slow")) {
            MqttConnectionOptions withWill = options(true, 60);
            MqttProperties willProperties = new MqttProperties();
            willProperties.setWillDelayInterval(id.equals("quick") ? 30L : 1L);
            withWill.setWill("will/" + id, new MqttMessage(id.getBytes(StandardCharsets.UTF_8), 1, false,
                    willProperties));
            withWill.setWillMessageProperties(willProperties);
            MqttClient client = client(id);
            client.connect(withWill);
            client.disconnectForcibly(0, 100, false); // the socket closes without DISCONNECT
        }
        client("quick").connect(options(false, 60));
        long lost = System.nanoTime();
        assertThat(wills.topics.poll(5, TimeUnit.SECONDS), is("will/slow"));
        assertThat(System.nanoTime() - lost > TimeUnit.MILLISECONDS.toNanos(500), is(true));
        assertThat(wills.topics.poll(500, TimeUnit.MILLISECONDS), nullValue());
    }
}
