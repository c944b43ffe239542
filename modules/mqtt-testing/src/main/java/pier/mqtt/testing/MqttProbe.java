package pier.mqtt.testing;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * An MQTT 5 client (Eclipse Paho) that answers with reason codes instead of exceptions: what a test of
 * permissions asks of a broker. Works over TCP ({@code tcp://}) and WebSocket ({@code ws://…/mqtt}).
 */
public final class MqttProbe implements AutoCloseable {

    /** A message received: its topic and payload as text. */
    public record Received(String topic, String payload, boolean retained) {
    }

    private final MqttAsyncClient client;
    private boolean sessionPresent;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicReference<MqttDisconnectResponse> disconnected = new AtomicReference<>();

    private MqttProbe(MqttAsyncClient client) {
        this.client = client;
    }

    public static MqttProbe connect(String uri, String user, String password) throws MqttException {
        return connect(uri, user, password, "probe-" + UUID.randomUUID(), 0, true);
    }

    /** Connects with a client id of the caller's and a session that outlives the connection by {@code expiry} s. */
    public static MqttProbe connect(String uri, String user, String password, String clientId, long expiry,
                             boolean cleanStart) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
        MqttProbe probe = new MqttProbe(client);
        client.setCallback(probe.new Callback());
        MqttConnectionOptions options = new MqttConnectionOptions();
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        options.setSessionExpiryInterval(expiry);
        options.setCleanStart(cleanStart);
        try {
            IMqttToken connected = client.connect(options);
            connected.waitForCompletion(10_000);
            probe.sessionPresent = connected.getSessionPresent();
        } catch (MqttException e) {
            client.close(true);
            throw e;
        }
        return probe;
    }

    /** Whether the CONNACK said a session was present. */
    public boolean sessionPresent() {
        return sessionPresent;
    }

    /** SUBSCRIBE at QoS 1: the granted QoS, or the refusal's reason code. */
    public int subscribe(String filter) throws MqttException {
        IMqttToken token = client.subscribe(new MqttSubscription(filter, 1));
        token.waitForCompletion(10_000);
        return token.getReasonCodes()[0];
    }

    /** PUBLISH at QoS 1: the PUBACK's reason code. */
    public int publish(String topic, String payload, boolean retain) {
        try {
            IMqttToken token = client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, retain);
            token.waitForCompletion(10_000);
            int[] codes = token.getReasonCodes();
            return codes == null || codes.length == 0 ? 0 : codes[0];
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    /** PUBLISH at QoS 0: no answer comes. */
    public void publishQos0(String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 0, false).waitForCompletion(10_000);
    }

    /** The next message, or null after {@code millis}. */
    public Received next(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The server's DISCONNECT, once one came. */
    public MqttDisconnectResponse disconnected() {
        return disconnected.get();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(5_000);
        }
        client.close(true);
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            disconnected.set(response);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                    message.isRetained()));
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
    }
}
