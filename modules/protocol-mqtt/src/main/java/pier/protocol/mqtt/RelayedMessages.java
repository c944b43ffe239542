package pier.protocol.mqtt;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import pier.resource.MessageRelay;

/**
 * A message of a plain topic as it travels to the other nodes of a cluster: topic, payload, QoS, retain
 * and content type as the relay carries them, and the rest of its MQTT 5 properties (payload format,
 * response topic, correlation data, user properties in order, expiry) in the relay's extra bytes.
 */
final class RelayedMessages {

    static final String CHANNEL = "mqtt";

    private RelayedMessages() {
    }

    static MessageRelay.Relayed of(Message message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeBoolean(message.utf8());
            out.writeUTF(message.responseTopic().orElse(""));
            byte[] correlation = message.correlationData().orElse(null);
            out.writeInt(correlation == null ? -1 : correlation.length);
            if (correlation != null) {
                out.write(correlation);
            }
            out.writeInt(message.userProperties().size());
            for (Map.Entry<String, String> property : message.userProperties()) {
                out.writeUTF(property.getKey());
                out.writeUTF(property.getValue());
            }
            out.writeLong(message.expiresAt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MessageRelay.Relayed(CHANNEL, message.topic(), message.qos(), message.retain(),
                message.contentType(), message.payload(), bytes.toByteArray());
    }

    static Message message(MessageRelay.Relayed relayed) {
        if (relayed.extra().length == 0) {
            return Message.of(relayed.topic(), relayed.payload(), relayed.qos(), relayed.retain())
                    .withContentType(relayed.contentType());
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(relayed.extra()))) {
            boolean utf8 = in.readBoolean();
            String responseTopic = in.readUTF();
            int correlationLength = in.readInt();
            Optional<byte[]> correlation = correlationLength < 0 ? Optional.empty()
                    : Optional.of(in.readNBytes(correlationLength));
            int count = in.readInt();
            List<Map.Entry<String, String>> properties = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                properties.add(Map.entry(in.readUTF(), in.readUTF()));
            }
            return new Message(relayed.topic(), relayed.payload(), relayed.qos(), relayed.retain(),
                    relayed.contentType(), utf8, responseTopic.isEmpty() ? Optional.empty() : Optional.of(responseTopic),
                    correlation, properties, in.readLong(), "");
        } catch (IOException e) {
            throw new IllegalArgumentException("a relayed message whose properties do not decode: " + e, e);
        }
    }
}
