package pier.protocol.mqtt;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flow control and delivery modes with the HiveMQ client over real sockets, on a broker whose sessions
 * queue at most 200 messages: publishers are slowed for a connected subscriber that falls behind instead
 * of its messages being dropped, and a subscriber in delivery mode latest gets the newest message of each
 * topic with the number it stands for.
 */
class FlowControlTest {

    private static final int PER_PUBLISHER = 5_000;

    TestBroker server;
    final List<Mqtt5AsyncClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws InterruptedException {
        MqttSettings small = new MqttSettings(1 << 20, 1024, Duration.ofHours(1), 200, 1_000, Duration.ofDays(1),
                Duration.ofSeconds(1));
        server = new TestBroker(false, small);
    }

    @AfterEach
    void stop() {
        clients.forEach(client -> client.disconnect().exceptionally(e -> null).join());
        server.close();
    }

    Mqtt5AsyncClient connected(String id, int receiveMaximum) {
        return connected(id, receiveMaximum, new CompletableFuture<>());
    }

    /** A client that completes {@code ended} with the reason code of the server's DISCONNECT, if it gets one. */
    Mqtt5AsyncClient connected(String id, int receiveMaximum, CompletableFuture<Integer> ended) {
        Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(server.port()).addDisconnectedListener(context -> {
                    if (context.getCause() instanceof Mqtt5DisconnectException disconnect) {
                        ended.complete(disconnect.getMqttMessage().getReasonCode().getCode());
                    }
                }).buildAsync();
        client.connectWith().restrictions().receiveMaximum(receiveMaximum).applyRestrictions().simpleAuth()
                .username("u").password("p".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send().join();
        clients.add(client);
        return client;
    }

    @Test
    void fourUnpacedPublishersReachOneSubscriberEveryMessageOnceInOrder() {
        Map<Integer, List<Integer>> received = new java.util.concurrent.ConcurrentHashMap<>();
        Mqtt5AsyncClient subscriber = connected("flow-sub", 65_535);
        subscriber.subscribeWith().topicFilter("flow/all").qos(MqttQos.AT_LEAST_ONCE).callback(publish -> {
            String[] parts = new String(publish.getPayloadAsBytes(), StandardCharsets.US_ASCII).split(":");
            received.computeIfAbsent(Integer.parseInt(parts[0]), k -> java.util.Collections.synchronizedList(
                    new ArrayList<>())).add(Integer.parseInt(parts[1]));
        }).send().join();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            Mqtt5AsyncClient publisher = connected("flow-pub" + k, 65_535);
            for (int i = 0; i < PER_PUBLISHER; i++) {
                sent.add(publisher.publishWith().topic("flow/all").qos(MqttQos.AT_LEAST_ONCE)
                        .payload((k + ":" + i).getBytes(StandardCharsets.US_ASCII)).send());
            }
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        await().atMost(Duration.ofMinutes(1)).until(() -> received.values().stream().mapToInt(List::size).sum()
                >= 4 * PER_PUBLISHER);
        List<Integer> expected = IntStream.range(0, PER_PUBLISHER).boxed().toList();
        for (int k = 0; k < 4; k++) {
            assertThat("publisher " + k, received.get(k), is(expected));
        }
        assertThat(server.broker.stats().messagesDropped(), is(0L));
    }

    @Test
    void aSubscriberInDeliveryModeLatestGetsTheNewestOfEachTopicWithHowManyItStandsFor() throws Exception {
        BlockingQueue<Mqtt5Publish> received = new LinkedBlockingQueue<>();
        // one message in flight, and it is not acknowledged: the reader is stalled
        Mqtt5AsyncClient subscriber = connected("latest-sub", 1);
        subscriber.subscribeWith().topicFilter("latest/#").qos(MqttQos.AT_LEAST_ONCE).userProperties()
                .add("delivery", "latest").applyUserProperties().callback(received::add).manualAcknowledgement(true)
                .send().join();
        Mqtt5AsyncClient publisher = connected("latest-pub", 65_535);
        publisher.publishWith().topic("latest/a").qos(MqttQos.AT_LEAST_ONCE)
                .payload("0".getBytes(StandardCharsets.US_ASCII)).send().join();
        // the first is in flight, unacknowledged: what follows waits in the session's queue
        Mqtt5Publish first = received.poll(5, TimeUnit.SECONDS);
        assertThat(describe(first), is("latest/a 0 merged=none"));
        for (int i = 1; i < 100; i++) {
            publisher.publishWith().topic("latest/a").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Integer.toString(i).getBytes(StandardCharsets.US_ASCII)).send().join();
        }
        for (int i = 0; i < 50; i++) {
            publisher.publishWith().topic("latest/b").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Integer.toString(i).getBytes(StandardCharsets.US_ASCII)).send().join();
        }
        first.acknowledge();
        Mqtt5Publish second = received.poll(5, TimeUnit.SECONDS);
        assertThat(describe(second), is("latest/a 99 merged=98"));
        second.acknowledge();
        Mqtt5Publish third = received.poll(5, TimeUnit.SECONDS);
        assertThat(describe(third), is("latest/b 49 merged=49"));
        third.acknowledge();
        assertThat(received.poll(300, TimeUnit.MILLISECONDS), is((Mqtt5Publish) null));
        assertThat(server.broker.stats().messagesDropped(), is(0L));
    }

    @Test
    void aSubscriberThatStopsReadingIsDisconnectedAfterTheStallLimitAndItsPublisherGoesOn() {
        CompletableFuture<Integer> ended = new CompletableFuture<>();
        Mqtt5AsyncClient stalled = connected("stalled-sub", 1, ended);
        // one message in flight and never acknowledged: the queue behind it only grows
        stalled.subscribeWith().topicFilter("stall/#").qos(MqttQos.AT_LEAST_ONCE).callback(p -> { })
                .manualAcknowledgement(true).send().join();
        Mqtt5AsyncClient publisher = connected("stall-pub", 65_535);
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add(publisher.publishWith().topic("stall/x").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Integer.toString(i).getBytes(StandardCharsets.US_ASCII)).send());
        }
        assertThat(ended.orTimeout(10, TimeUnit.SECONDS).join(), is(0x97)); // quota exceeded: stalled
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void anUnknownDeliveryModeIsRefusedInTheSuback() {
        Mqtt5AsyncClient subscriber = connected("odd-sub", 65_535);
        var suback = subscriber.subscribeWith().topicFilter("odd/#").qos(MqttQos.AT_LEAST_ONCE).userProperties()
                .add("delivery", "sometimes").applyUserProperties().callback(p -> { }).send()
                .exceptionally(e -> ((com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException)
                        (e instanceof java.util.concurrent.CompletionException ? e.getCause() : e)).getMqttMessage())
                .join();
        assertThat(suback.getReasonCodes().stream().map(code -> code.getCode()).toList(), contains(0x83));
    }

    private static String describe(Mqtt5Publish publish) {
        String merged = publish.getUserProperties().asList().stream()
                .filter(p -> p.getName().toString().equals("merged")).map(p -> p.getValue().toString())
                .findFirst().orElse("none");
        return publish.getTopic() + " " + new String(publish.getPayloadAsBytes(), StandardCharsets.US_ASCII)
                + " merged=" + merged;
    }
}
