package pier.protocol.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.resource.Event;

/**
 * Events as WebSocket and Server-Sent Events clients see them: {@code {type, id, value, version,
 * sequence}}, and {@code merged} when the event stands for more changes than itself (delivery mode
 * {@code latest}); a message that is about no record (a custom resource's own) is sent as it is.
 */
final class Events {

    private Events() {
    }

    /** The wire name of an event's type: a record leaving a live query is a delete. */
    static String type(Event event) {
        return switch (event) {
            case Event.Put put -> "put";
            case Event.Delete delete -> "delete";
            case Event.Message message -> "message";
            case Event.Reset reset -> "reset";
            case Event.Gap gap -> "gap";
            case Event.Merged merged -> "merged";
            case Event.Synced synced -> "synced";
        };
    }

    /**
     * An event as JSON.
     *
     * @param event  the event
     * @param merged   how many changes it stands for (delivery mode {@code latest}); 0 says nothing
     * @param previous whether a change shows the value it replaced ({@code "previous"})
     */
    static JsonNode json(Event event, long merged, boolean previous) {
        if (event instanceof Event.Message message && message.id().isEmpty()) {
            return message.value().value();
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("type", type(event));
        if (!event.id().isEmpty()) {
            data.put("id", event.id());
        }
        if (event instanceof Event.Delete delete && delete.reason() != Event.Reason.DELETED) {
            data.put("reason", delete.reason().wireName());
        }
        event.record().ifPresent(record -> data.set("value", shown(record)));
        if (previous && event instanceof Event.Put put) {
            put.previous().ifPresent(replaced -> data.set("previous", shown(replaced)));
        }
        if (event.version() != 0) {
            data.put("version", event.version());
        }
        data.put("sequence", event.sequence());
        if (merged > 0) {
            data.put("merged", merged);
        }
        return data;
    }

    // an opaque value as its type and bytes (base64 in JSON)
    private static JsonNode shown(pier.resource.Record record) {
        return record.opaqueContent().<JsonNode>map(opaque -> JsonNodeFactory.instance.objectNode()
                .put("contentType", opaque.contentType()).put("data", opaque.data())).orElseGet(record::value);
    }
}
