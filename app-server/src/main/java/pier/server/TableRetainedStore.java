package pier.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.protocol.mqtt.Message;
import pier.protocol.mqtt.RetainedStore;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Record;
import pier.resource.Request;
import pier.resource.Resource;

/** Retained messages of plain MQTT topics, one record each in a system table, keyed by topic. */
final class TableRetainedStore implements RetainedStore {

    private static final Principal SERVER = new Principal("pier", true);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Resource table;

    TableRetainedStore(Resource table) {
        this.table = table;
    }

    @Override
    public List<Message> loadAll() {
        try (var records = table.list(Request.of(SERVER, null)).records()) {
            return records.map(TableRetainedStore::message).toList();
        }
    }

    @Override
    public void put(Message message) {
        ObjectNode body = NODES.objectNode();
        body.putObject("message").put("qos", message.qos()).put("payload", message.payload())
                .put("utf8", message.utf8()).put("expiresAt", message.expiresAt())
                .put("contentType", message.contentType().orElse(null))
                .put("responseTopic", message.responseTopic().orElse(null))
                .put("correlationData", message.correlationData().orElse(null))
                .set("userProperties", userProperties(message));
        table.put(Request.of(SERVER, message.topic()).withContent(new Content.Structured(body)));
    }

    @Override
    public void remove(String topic) {
        table.delete(Request.of(SERVER, topic));
    }

    private static JsonNode userProperties(Message message) {
        var pairs = NODES.arrayNode();
        message.userProperties().forEach(p -> pairs.addArray().add(p.getKey()).add(p.getValue()));
        return pairs;
    }

    private static Message message(Record record) {
        JsonNode m = record.value().path("message");
        List<Map.Entry<String, String>> user = new ArrayList<>();
        m.path("userProperties").forEach(p -> user.add(Map.entry(p.get(0).asText(), p.get(1).asText())));
        try {
            return new Message(record.id(), m.path("payload").binaryValue(), m.path("qos").asInt(), true,
                    text(m, "contentType"), m.path("utf8").asBoolean(), text(m, "responseTopic"),
                    m.hasNonNull("correlationData") ? Optional.of(m.get("correlationData").binaryValue())
                            : Optional.empty(), user, m.path("expiresAt").asLong(), "");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("retained message " + record.id() + " is damaged", e);
        }
    }

    private static Optional<String> text(JsonNode node, String name) {
        return node.hasNonNull(name) ? Optional.of(node.get(name).asText()) : Optional.empty();
    }
}
