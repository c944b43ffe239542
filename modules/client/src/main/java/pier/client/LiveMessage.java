package pier.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One message received on a subscription.
 *
 * @param received       when it arrived
 * @param topic          its topic (a record's {@code T/id} for table subscriptions and live queries)
 * @param payload        its bytes; not copied, do not change them
 * @param contentType    the MQTT 5 Content Type, or null
 * @param qos            the QoS it was delivered at
 * @param retained       whether it is a retained message (a record's current state, sent on subscribing)
 * @param userProperties the MQTT 5 user properties, in order ({@code type: delete} marks a deletion)
 */
public record LiveMessage(Instant received, String topic, byte[] payload, String contentType, int qos,
                          boolean retained, List<Map.Entry<String, String>> userProperties) {

    /** The payload decoded by its content type. */
    public Payload decoded() {
        return Payload.of(payload, contentType);
    }
}
