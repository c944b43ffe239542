package pier.server;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** Paho MQTT 5 clients that put what they receive in a queue, for tests. */
final class PahoCollector {

    private PahoCollector() {
    }

    static MqttClient subscriber(String mqtt, String id, String topic, BlockingQueue<MqttMessage> received)
            throws MqttException {
        MqttClient client = new MqttClient(mqtt, id, new MemoryPersistence());
        client.setCallback(collect(received));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("admin");
        options.setPassword("s3cret".getBytes(StandardCharsets.UTF_8));
        client.connect(options);
        client.subscribe(topic, 1);
        return client;
    }

    static MqttCallback collect(BlockingQueue<MqttMessage> received) {
        return new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(message);
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        };
    }
}
