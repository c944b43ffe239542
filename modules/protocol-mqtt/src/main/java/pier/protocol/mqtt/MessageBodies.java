package pier.protocol.mqtt;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;


/** MQTT messages as structured values, for the system tables and the feed. */
final class MessageBodies {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MessageBodies() {
    }

    static ObjectNode toJson(Message message) {
        ObjectNode body = NODES.objectNode().put("qos", message.qos()).put("retain", message.retain())
                .put("payload", message.payload()).put("utf8", message.utf8()).put("expiresAt", message.expiresAt())
                .put("publisher", message.publisher())
                .put("contentType", message.contentType().orElse(null))
                .put("responseTopic", message.responseTopic().orElse(null))
                .put("correlationData", message.correlationData().orElse(null));
        var pairs = body.putArray("userProperties");
        message.userProperties().forEach(p -> pairs.addArray().add(p.getKey()).add(p.getValue()));
        return body;
    }

    static Message fromJson(String topic, JsonNode m) {
        List<Map.Entry<String, String>> user = new ArrayList<>();
        m.path("userProperties").forEach(p -> user.add(Map.entry(p.get(0).asText(), p.get(1).asText())));
        try {
            return new Message(topic, m.path("payload").binaryValue(), m.path("qos").asInt(),
                    m.path("retain").asBoolean(), text(m, "contentType"), m.path("utf8").asBoolean(),
                    text(m, "responseTopic"), m.hasNonNull("correlationData")
                    ? Optional.of(m.get("correlationData").binaryValue()) : Optional.empty(), user,
                    m.path("expiresAt").asLong(), m.path("publisher").asText(""));
        } catch (IOException e) {
            throw new IllegalStateException("stored message for " + topic + " is damaged", e);
        }
    }

    private static Optional<String> text(JsonNode node, String name) {
        return node.hasNonNull(name) ? Optional.of(node.get(name).asText()) : Optional.empty();
    }
}
