package pier.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** The cluster tests' MQTT clients (Eclipse Paho): publishers, durable sessions, and subscribers that keep what they saw. */
final class ClusterMqtt {

    private ClusterMqtt() {
    }

    // what a durable session receives, also what its session kept while it was away
    static org.eclipse.paho.client.mqttv3.MqttCallback collecting(List<String> received) {
        return new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                received.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        };
    }

    // Paho closes only a disconnected client
    static void close(MqttClient client) throws org.eclipse.paho.client.mqttv3.MqttException {
        client.disconnect();
        client.close();
    }

    static MqttClient client(ClusterNode node, String id) throws org.eclipse.paho.client.mqttv3.MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + node.mqttPort(), id, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("admin");
        options.setPassword(ClusterNode.PASSWORD.toCharArray());
        options.setCleanSession(true);
        client.connect(options);
        return client;
    }

    /** An MQTT subscriber on one node: the ages each record was seen with, in order; plain messages. */
    static final class Subscriber implements AutoCloseable {
        private final ClusterNode node;
        private final MqttClient client;
        private final Map<String, List<Integer>> ages = new ConcurrentHashMap<>();
        private final Map<String, Long> delays = new ConcurrentHashMap<>();
        final List<String> plain = new CopyOnWriteArrayList<>();

        Subscriber(ClusterNode node, String... filters) throws Exception {
            this.node = node;
            this.client = client(node, "subscriber-" + node.id + "-" + System.nanoTime());
            for (String filter : filters) {
                client.subscribe(filter, 1, (topic, message) -> {
                    if (!topic.startsWith("Dog/")) {
                        plain.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8));
                        return;
                    }
                    JsonNode record = RestClient.JSON.readTree(message.getPayload());
                    String id = topic.substring("Dog/".length());
                    ages.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(record.get("age").asInt());
                    // a message to a record has what its publisher sent: no name, perhaps
                    if (record.path("name").asText().matches("\\d+")) {
                        delays.merge(id, System.currentTimeMillis() - record.get("name").asLong(), Math::max);
                    }
                });
            }
        }

        List<Integer> seen(String id) {
            return ages.getOrDefault(id, List.of());
        }

        long longestDelayMillis(String prefix) {
            return delays.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .mapToLong(Map.Entry::getValue).max().orElse(-1);
        }

        @Override
        public void close() throws Exception {
            ClusterMqtt.close(client);
        }

        @Override
        public String toString() {
            return "the subscriber on " + node;
        }
    }
}
