package pier.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * One MQTT 5 connection over the server's WebSocket, with Eclipse Paho: it connects, reconnects by itself
 * after the server restarts, and then runs {@code afterReconnect} (the clean session was forgotten).
 */
final class MqttLink implements AutoCloseable {

    static final long WAIT_MILLIS = 10_000;

    private final MqttAsyncClient mqtt;

    private MqttLink(MqttAsyncClient mqtt) {
        this.mqtt = mqtt;
    }

    /**
     * Connects and waits for the CONNACK.
     *
     * @param messages       receives every message on Paho's thread
     * @param states         told every change of the link's state
     * @param afterReconnect run on a virtual thread after each automatic reconnect
     */
    static MqttLink open(ServerAddress address, Format accept, BiPredicate<String, MqttMessage> messages,
                         BiConsumer<LiveConnection.State, String> states, Runnable afterReconnect) {
        try {
            MqttAsyncClient mqtt = new MqttAsyncClient(address.mqttWebSocket(), "pier-client-" + UUID.randomUUID(),
                    new MemoryPersistence());
            mqtt.setCallback(new Callback(messages, states, afterReconnect));
            mqtt.connect(options(address, accept)).waitForCompletion(WAIT_MILLIS);
            return new MqttLink(mqtt);
        } catch (MqttException e) {
            throw new ClientException(ClientException.UNREACHABLE,
                    "cannot connect to " + address.mqttWebSocket() + ": " + reason(e), e);
        }
    }

    MqttAsyncClient paho() {
        return mqtt;
    }

    boolean isConnected() {
        return mqtt.isConnected();
    }

    @Override
    public void close() {
        try {
            if (mqtt.isConnected()) {
                mqtt.disconnect().waitForCompletion(WAIT_MILLIS);
            }
            mqtt.close(true);
        } catch (MqttException e) {
            // closing anyway: the server ends the session when the socket goes
        }
    }

    /** The first reason code of an acknowledgement; 0 when it carries none. */
    static int reasonCode(IMqttToken token) {
        int[] codes = token.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    /** The acknowledgement's reason string in parentheses, or nothing. */
    static String reasonString(IMqttToken token) {
        MqttProperties response = token.getResponseProperties();
        return response == null || response.getReasonString() == null ? "" : " (" + response.getReasonString() + ")";
    }

    static String reason(MqttException e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        return cause == null || cause.getMessage() == null ? message : message + " (" + cause.getMessage() + ")";
    }

    private static MqttConnectionOptions options(ServerAddress address, Format accept) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 10);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        options.setUserProperties(List.of(new UserProperty("accept", accept.mediaType())));
        if (address.certificate() != null) {
            options.setSocketFactory(address.tls().getSocketFactory()); // wss: the certificates of the address
        }
        if (address.authenticated()) {
            options.setUserName(address.user());
            options.setPassword(address.password().getBytes(StandardCharsets.UTF_8));
        }
        return options;
    }

    private record Callback(BiPredicate<String, MqttMessage> messages, BiConsumer<LiveConnection.State, String> states,
                            Runnable afterReconnect) implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            String why = response.getReasonString() != null ? response.getReasonString()
                    : response.getException() != null ? reason(response.getException()) : "connection lost";
            states.accept(LiveConnection.State.RECONNECTING, "reconnecting: " + why);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            states.accept(LiveConnection.State.RECONNECTING, "error: " + reason(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            messages.test(topic, message);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            if (reconnect) {
                // Paho's callback thread must not wait for acknowledgements it would have to deliver itself
                Thread.ofVirtual().start(afterReconnect);
            }
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
