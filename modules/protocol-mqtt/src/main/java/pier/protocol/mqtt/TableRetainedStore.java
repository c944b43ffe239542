package pier.protocol.mqtt;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import pier.resource.Content;
import pier.resource.Request;
import pier.resource.Resource;

/** Retained messages of plain MQTT topics, one record each in a system table, keyed by topic. */
final class TableRetainedStore implements RetainedStore {

    private final Resource table;

    TableRetainedStore(Resource table) {
        this.table = table;
    }

    @Override
    public List<Message> loadAll() {
        try (var records = table.list(Request.of(MqttTables.SERVER, null)).records()) {
            return records.map(r -> MessageBodies.fromJson(r.id(), r.value().path("message"))).toList();
        }
    }

    @Override
    public CompletableFuture<Void> put(Message message) {
        var body = JsonNodeFactory.instance.objectNode().set("message", MessageBodies.toJson(message));
        return table.putAsync(Request.of(MqttTables.SERVER, message.topic())
                .withContent(new Content.Structured(body))).thenApply(written -> null);
    }

    @Override
    public CompletableFuture<Void> remove(String topic) {
        return table.deleteAsync(Request.of(MqttTables.SERVER, topic));
    }
}
