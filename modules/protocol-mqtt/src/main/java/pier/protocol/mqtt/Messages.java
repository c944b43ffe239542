package pier.protocol.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.netty.handler.codec.mqtt.MqttProperties;

/** Between MQTT 5 packet properties and {@link Message}s. */
final class Messages {

    private Messages() {
    }

    static Message fromProperties(String topic, byte[] payload, int qos, boolean retain, MqttProperties properties,
                                  String publisher) {
        Optional<String> contentType = string(properties, MqttProperties.CONTENT_TYPE);
        Optional<String> responseTopic = string(properties, MqttProperties.RESPONSE_TOPIC);
        MqttProperties.MqttProperty<?> correlation = properties.getProperty(MqttProperties.CORRELATION_DATA);
        MqttProperties.MqttProperty<?> format = properties.getProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR);
        MqttProperties.MqttProperty<?> expiry = properties.getProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL);
        List<Map.Entry<String, String>> user = new ArrayList<>();
        for (MqttProperties.MqttProperty<?> property : properties.getProperties(MqttProperties.USER_PROPERTY)) {
            if (property instanceof MqttProperties.UserProperty pair) {
                user.add(Map.entry(pair.value().key, pair.value().value));
            } else if (property instanceof MqttProperties.UserProperties pairs) {
                pairs.value().forEach(p -> user.add(Map.entry(p.key, p.value)));
            }
        }
        long expiresAt = expiry == null ? 0
                : System.currentTimeMillis() + Integer.toUnsignedLong((Integer) expiry.value()) * 1000;
        return new Message(topic, payload, qos, retain, contentType, format != null && (Integer) format.value() == 1,
                responseTopic, Optional.ofNullable(correlation).map(p -> (byte[]) p.value()), user, expiresAt,
                publisher);
    }

    /**
     * The properties a v5 subscriber gets with a message; the expiry interval counts down, and a message
     * that replaced others (delivery mode latest) says how many with the user property {@code merged}.
     */
    static MqttProperties properties(Message message, List<Integer> subscriptionIds, long merged, long now) {
        if (!message.utf8() && message.contentType().isEmpty() && message.responseTopic().isEmpty()
                && message.correlationData().isEmpty() && message.expiresAt() == 0 && message.userProperties().isEmpty()
                && subscriptionIds.isEmpty() && merged == 0) {
            return MqttProperties.NO_PROPERTIES; // most messages: nothing to allocate per delivery
        }
        MqttProperties properties = new MqttProperties();
        if (message.utf8()) {
            properties.add(new MqttProperties.IntegerProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR, 1));
        }
        message.contentType().ifPresent(type -> properties.add(new MqttProperties.StringProperty(
                MqttProperties.CONTENT_TYPE, type)));
        message.responseTopic().ifPresent(topic -> properties.add(new MqttProperties.StringProperty(
                MqttProperties.RESPONSE_TOPIC, topic)));
        message.correlationData().ifPresent(data -> properties.add(new MqttProperties.BinaryProperty(
                MqttProperties.CORRELATION_DATA, data)));
        if (message.expiresAt() != 0) {
            properties.add(new MqttProperties.IntegerProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL,
                    (int) Math.max(1, (message.expiresAt() - now + 999) / 1000)));
        }
        message.userProperties().forEach(p -> properties.add(new MqttProperties.UserProperty(p.getKey(),
                p.getValue())));
        if (merged > 0) {
            properties.add(new MqttProperties.UserProperty("merged", Long.toString(merged)));
        }
        subscriptionIds.forEach(id -> properties.add(new MqttProperties.IntegerProperty(
                MqttProperties.SUBSCRIPTION_IDENTIFIER, id)));
        return properties;
    }

    /** An upper bound of a PUBLISH packet's encoded size. */
    static int estimatedSize(Message message, MqttProperties properties) {
        // a UTF-8 character takes at most three bytes per UTF-16 char
        int size = 5 + 2 + 3 * message.topic().length() + 2 + 4 + message.payload().length;
        for (MqttProperties.MqttProperty<?> property : properties.listAll()) {
            Object value = property.value();
            size += 5 + switch (value) {
                case String text -> 2 + text.length() * 3;
                case byte[] bytes -> 2 + bytes.length;
                case MqttProperties.StringPair pair -> 4 + (pair.key.length() + pair.value.length()) * 3;
                default -> 4;
            };
        }
        return size;
    }

    /** The value of the first user property with this key. */
    static Optional<String> userProperty(MqttProperties properties, String key) {
        for (MqttProperties.MqttProperty<?> property : properties.getProperties(MqttProperties.USER_PROPERTY)) {
            if (property instanceof MqttProperties.UserProperty pair && pair.value().key.equals(key)) {
                return Optional.of(pair.value().value);
            }
            if (property instanceof MqttProperties.UserProperties pairs) {
                for (MqttProperties.StringPair pair : pairs.value()) {
                    if (pair.key.equals(key)) {
                        return Optional.of(pair.value);
                    }
                }
            }
        }
        return Optional.empty();
    }

    static int intProperty(MqttProperties properties, int id, int otherwise) {
        MqttProperties.MqttProperty<?> property = properties == null ? null : properties.getProperty(id);
        return property == null ? otherwise : (Integer) property.value();
    }

    static Optional<String> string(MqttProperties properties, int id) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(id);
        return property == null ? Optional.empty() : Optional.of((String) property.value());
    }
}
