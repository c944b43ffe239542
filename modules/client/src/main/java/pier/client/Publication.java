package pier.client;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A message to publish.
 *
 * @param topic          the topic; {@code T/id} writes or notifies a record
 * @param payload        the bytes
 * @param contentType    the MQTT 5 Content Type (how the server decodes a structured payload), or null
 * @param qos            0, 1 or 2
 * @param retain         retained: writes the record (or keeps the topic's retained message); otherwise only
 *                       notifies subscribers
 * @param userProperties MQTT 5 user properties, in order
 */
public record Publication(String topic, byte[] payload, String contentType, int qos, boolean retain,
                          List<Map.Entry<String, String>> userProperties) {

    public Publication {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("QoS is 0, 1 or 2, not " + qos);
        }
        userProperties = List.copyOf(userProperties);
    }
}
