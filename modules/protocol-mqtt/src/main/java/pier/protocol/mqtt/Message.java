package pier.protocol.mqtt;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An application message as the broker routes it: topic, payload, QoS, retain flag and the MQTT 5
 * properties that travel with it.
 *
 * @param topic           the topic name
 * @param payload         the payload bytes (not copied: treat as immutable)
 * @param qos             0, 1 or 2
 * @param retain          the RETAIN flag as published
 * @param contentType     v5 Content Type
 * @param utf8            v5 Payload Format Indicator = 1
 * @param responseTopic   v5 Response Topic
 * @param correlationData v5 Correlation Data
 * @param userProperties  v5 User Properties, in order
 * @param expiresAt       when the message expires (epoch ms), 0 for never (v5 Message Expiry Interval)
 * @param publisher       the client id of the publishing session, for No Local; empty for the broker
 */
public record Message(String topic, byte[] payload, int qos, boolean retain, Optional<String> contentType,
                      boolean utf8, Optional<String> responseTopic, Optional<byte[]> correlationData,
                      List<Map.Entry<String, String>> userProperties, long expiresAt, String publisher) {

    /** Copies the user properties. */
    public Message {
        userProperties = List.copyOf(userProperties);
    }

    /**
     * A plain message without properties.
     *
     * @param topic   the topic
     * @param payload the payload
     * @param qos     the QoS
     * @param retain  the RETAIN flag
     * @return the message, published by the broker
     */
    public static Message of(String topic, byte[] payload, int qos, boolean retain) {
        return new Message(topic, payload, qos, retain, Optional.empty(), false, Optional.empty(), Optional.empty(),
                List.of(), 0, "");
    }

    Message withQos(int newQos) {
        return new Message(topic, payload, newQos, retain, contentType, utf8, responseTopic, correlationData,
                userProperties, expiresAt, publisher);
    }

    Message withContentType(Optional<String> type) {
        return new Message(topic, payload, qos, retain, type, utf8, responseTopic, correlationData,
                userProperties, expiresAt, publisher);
    }

    boolean expired(long now) {
        return expiresAt != 0 && now >= expiresAt;
    }
}
