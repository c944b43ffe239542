package pier.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * Live subscriptions and publishing over MQTT 5 on the server's WebSocket ({@code ws://host/mqtt}). Every
 * link comes back by itself after the server restarts and renews its subscription, which delivers the
 * records' current state again.
 *
 * <p>Each subscription has a connection of its own: a live query's messages arrive on record topics that
 * its filter text does not match, so on a shared connection only Subscription Identifiers could tell them
 * apart, and Paho 1.2.5 does not hand those to the application.
 */
public final class LiveConnection implements AutoCloseable {

    /** Where the link stands. */
    public enum State { CONNECTED, RECONNECTING, CLOSED }

    private final ServerAddress address;
    private final Format accept;
    private final MqttLink publisher;
    private final BiConsumer<State, String> states;

    private LiveConnection(ServerAddress address, Format accept, MqttLink publisher, BiConsumer<State, String> states) {
        this.address = address;
        this.accept = accept;
        this.publisher = publisher;
        this.states = states;
    }

    /**
     * Connects and waits for the CONNACK.
     *
     * @param address the server; its credentials go in CONNECT
     * @param accept  the format the server sends payloads in (the CONNECT user property {@code accept})
     * @param states  told every change of the publishing link's state, with a reason a person can read
     * @return the open connection
     * @throws ClientException when the server cannot be reached or refuses the credentials
     */
    public static LiveConnection open(ServerAddress address, Format accept, BiConsumer<State, String> states) {
        MqttLink publisher = MqttLink.open(address, accept, (topic, message) -> true, states,
                () -> states.accept(State.CONNECTED, "reconnected to " + address));
        states.accept(State.CONNECTED, "connected to " + address);
        return new LiveConnection(address, accept, publisher, states);
    }

    /**
     * Subscribes to a topic filter or live query at QoS 1 and waits for the SUBACK.
     *
     * @param filter   a topic filter ({@code Dog/#}, {@code sensors/+}) or live query ({@code Dog/?age=gt=3})
     * @param listener receives each message on Paho's thread; keep it short
     * @return the subscription
     * @throws ClientException when the server refuses the filter or cannot be reached
     */
    public LiveSubscription subscribe(String filter, Consumer<LiveMessage> listener) {
        return subscribe(filter, true, listener);
    }

    /**
     * Subscribes, with or without the current state first.
     *
     * @param currentState whether retained messages (the records' current state) come first; without them
     *                     (MQTT 5 Retain Handling 2) only changes arrive, each flagged retained as it was
     *                     published (Retain As Published): a record's write is retained, a message is not
     * @see #subscribe(String, Consumer)
     */
    public LiveSubscription subscribe(String filter, boolean currentState, Consumer<LiveMessage> listener) {
        Subscription subscription = new Subscription(filter, currentState ? 0 : 2);
        MqttLink link = MqttLink.open(address, accept, (topic, message) -> {
            listener.accept(received(topic, message));
            return true;
        }, (state, why) -> { }, subscription::renew);
        subscription.start(link);
        return subscription;
    }

    /**
     * Publishes and, at QoS 1 and 2, waits for the acknowledgement.
     *
     * @param publication the message
     * @return the MQTT 5 reason code of the acknowledgement (0 success, 0x10 no matching subscribers; 0 at QoS 0)
     * @throws ClientException when the server refuses the message (reason code ≥ 0x80) or cannot be reached
     */
    public int publish(Publication publication) {
        MqttMessage message = new MqttMessage(publication.payload(), publication.qos(), publication.retain(),
                properties(publication));
        try {
            IMqttToken token = publisher.paho().publish(publication.topic(), message);
            token.waitForCompletion(MqttLink.WAIT_MILLIS);
            int code = MqttLink.reasonCode(token);
            if (code >= 0x80) {
                throw new ClientException(code, "the server refused the message on " + publication.topic()
                        + ": reason 0x" + Integer.toHexString(code) + MqttLink.reasonString(token), null);
            }
            return code;
        } catch (MqttException e) {
            throw new ClientException(e.getReasonCode(), "cannot publish to " + publication.topic() + ": "
                    + MqttLink.reason(e), e);
        }
    }

    /** Whether the publishing link is up at this moment. */
    public boolean isConnected() {
        return publisher.isConnected();
    }

    @Override
    public void close() {
        publisher.close();
        states.accept(State.CLOSED, "disconnected");
    }

    private static MqttProperties properties(Publication publication) {
        MqttProperties properties = new MqttProperties();
        if (publication.contentType() != null) {
            properties.setContentType(publication.contentType());
        }
        properties.setUserProperties(publication.userProperties().stream()
                .map(entry -> new UserProperty(entry.getKey(), entry.getValue())).toList());
        return properties;
    }

    private static LiveMessage received(String topic, MqttMessage message) {
        MqttProperties properties = message.getProperties();
        List<Map.Entry<String, String>> userProperties = properties == null ? List.of()
                : properties.getUserProperties().stream()
                        .map(property -> Map.entry(property.getKey(), property.getValue())).toList();
        return new LiveMessage(Instant.now(), topic, message.getPayload(),
                properties == null ? null : properties.getContentType(), message.getQos(), message.isRetained(),
                userProperties);
    }

    /** One filter on its own link; subscribed again after every reconnect. */
    private static final class Subscription implements LiveSubscription {
        private final String filter;
        private final int retainHandling;
        private volatile MqttLink link;

        Subscription(String filter, int retainHandling) {
            this.filter = filter;
            this.retainHandling = retainHandling;
        }

        void start(MqttLink opened) {
            link = opened;
            try {
                subscribe();
            } catch (ClientException e) {
                opened.close();
                throw e;
            }
        }

        void renew() {
            try {
                subscribe();
            } catch (ClientException e) {
                // the link retries on its next reconnect; nothing else can be done from Paho's thread
            }
        }

        private void subscribe() {
            try {
                MqttSubscription subscription = new MqttSubscription(filter, 1);
                subscription.setRetainHandling(retainHandling);
                subscription.setRetainAsPublished(retainHandling == 2);
                IMqttToken token = link.paho().subscribe(subscription);
                token.waitForCompletion(MqttLink.WAIT_MILLIS);
                int code = MqttLink.reasonCode(token);
                if (code >= 0x80) {
                    throw new ClientException(code, "the server refused the subscription " + filter + ": reason 0x"
                            + Integer.toHexString(code) + MqttLink.reasonString(token), null);
                }
            } catch (MqttException e) {
                throw new ClientException(e.getReasonCode(), "cannot subscribe to " + filter + ": "
                        + MqttLink.reason(e), e);
            }
        }

        @Override
        public String filter() {
            return filter;
        }

        @Override
        public void close() {
            link.close();
        }
    }
}
