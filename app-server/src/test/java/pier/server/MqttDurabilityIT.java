package pier.server;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable sessions and retained messages outlive a restart of the built server. */
class MqttDurabilityIT {

    @TempDir
    Path folder;

    private String[] args;

    private ServerProcess start() throws Exception {
        ServerProcess server = ServerProcess.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), args);
        server.awaitReady();
        return server;
    }

    private static MqttConnectOptions options(boolean clean) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("admin");
        options.setPassword("s3cret".toCharArray());
        options.setCleanSession(clean);
        options.setAutomaticReconnect(false);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        return options;
    }

    @Test
    void aHundredMessagesPublishedWhileADurableClientIsAwayArriveInOrderAfterARestart() throws Exception {
        int port = ServerProcess.freePort();
        String uri = "tcp://127.0.0.1:" + port;
        args = new String[] {"--http-port", "0", "--mqtt-port", Integer.toString(port), "--data",
            folder.resolve("data").toString()};
        try (ServerProcess server = start()) {
            publishWhileAway(uri);
            assertThat(server.terminate(), is(0));
        }
        try (ServerProcess server = start()) {
            receiveEverythingAfterTheRestart(uri);
            assertThat(server.terminate(), is(0));
        }
        // delivered and acknowledged: a third start replays nothing
        try (ServerProcess server = start()) {
            assertNothingIsReplayed(uri);
        }
    }

    private void publishWhileAway(String uri) throws Exception {
        MqttClient durable = new MqttClient(uri, "durable", new MemoryPersistence());
        durable.connect(options(false));
        durable.subscribe("away/#", 1);
        durable.disconnect();
        durable.close();
        MqttClient publisher = new MqttClient(uri, "publisher", new MemoryPersistence());
        publisher.connect(options(true));
        for (int i = 0; i < 100; i++) {
            publisher.publish("away/" + (i % 4), Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        publisher.publish("kept/one", "still here".getBytes(StandardCharsets.UTF_8), 1, true);
        publisher.disconnect();
        publisher.close();
    }

    private void receiveEverythingAfterTheRestart(String uri) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        List<String> retained = new CopyOnWriteArrayList<>();
        MqttClient back = new MqttClient(uri, "durable", new MemoryPersistence());
        back.setCallback(arrivals((topic, message) -> {
            String text = new String(message.getPayload(), StandardCharsets.UTF_8);
            (topic.startsWith("kept/") ? retained : received).add(text + (message.isRetained() ? "!" : ""));
        }));
        assertThat(back.connectWithResult(options(false)).getSessionPresent(), is(true));
        back.subscribe("kept/#", 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> received.size() >= 100 && !retained.isEmpty());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(Integer.toString(i));
        }
        assertThat(received, equalTo(expected));
        assertThat(retained, equalTo(List.of("still here!")));
        back.disconnect();
        back.close();
    }

    private void assertNothingIsReplayed(String uri) throws Exception {
        List<String> again = new CopyOnWriteArrayList<>();
        MqttClient third = new MqttClient(uri, "durable", new MemoryPersistence());
        third.setCallback(arrivals((topic, message) -> again.add(topic)));
        assertThat(third.connectWithResult(options(false)).getSessionPresent(), is(true));
        // anything replayed would come before a message published now
        MqttClient marker = new MqttClient(uri, "marker", new MemoryPersistence());
        marker.connect(options(true));
        marker.publish("away/marker", new byte[] {1}, 1, false);
        marker.disconnect();
        marker.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !again.isEmpty());
        assertThat(again, equalTo(List.of("away/marker")));
        third.disconnect();
        third.close();
    }

    private static MqttCallback arrivals(java.util.function.BiConsumer<String, MqttMessage> arrived) {
        return new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                arrived.accept(topic, message);
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        };
    }
}
