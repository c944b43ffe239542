package pier.engine;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.codec.DateNode;
import pier.resource.Content;
import pier.resource.ResourceException;

/** Builds the body a write stores: the content, the primary key, the timestamps, checked against the schema. */
final class RecordBodies {

    private final TableDefinition table;
    private final Keys keys;

    RecordBodies(TableDefinition table, Keys keys) {
        this.table = table;
        this.keys = keys;
    }

    /** The body of a PUT (full replace); {@code created} carries over the creation time. */
    ObjectNode replace(String id, Content content, JsonNode previous, long now) {
        ObjectNode body = structured(content).deepCopy();
        return finish(id, body, previous, now);
    }

    /** The body of a PATCH: the previous body with the content's attributes replaced or added. */
    ObjectNode merge(String id, Content content, JsonNode previous, long now) {
        ObjectNode body = previous != null && previous.isObject() ? ((ObjectNode) previous).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = structured(content).fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            body.set(field.getKey(), field.getValue());
        }
        return finish(id, body, previous, now);
    }

    /**
     * The stored form of bytes of an undecoded media type: the bytes and their type, with the primary key
     * and the timestamps, so that in a collection (and a query on the key) it is a record like any other.
     */
    ObjectNode opaque(String id, Content.Opaque content, JsonNode previous, long now) {
        if (table.sealed()) {
            throw new ResourceException(ResourceException.Kind.UNSUPPORTED_MEDIA_TYPE, "table " + table.name()
                    + " is @sealed and stores only structured records, not " + content.contentType(), null, null);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("contentType", content.contentType())
                .put("data", content.data());
        stamp(id, body, previous, now);
        return body;
    }

    private ObjectNode finish(String id, ObjectNode body, JsonNode previous, long now) {
        stamp(id, body, previous, now);
        keepBlobs(body, previous);
        compute(table, body);
        RecordValidator.validate(table, body);
        return body;
    }

    /**
     * The body of a blob's upload: the previous body with the attribute referring to the stored bytes.
     */
    ObjectNode withBlob(String id, JsonNode previous, String attribute, JsonNode reference, long now) {
        ObjectNode body = ((ObjectNode) previous).deepCopy();
        body.set(attribute, reference);
        stamp(id, body, previous, now);
        compute(table, body);
        RecordValidator.validate(table, body);
        return body;
    }

    // a Blob attribute changes only by an upload: what a write's body says of it is not taken
    private void keepBlobs(ObjectNode body, JsonNode previous) {
        for (Attribute blob : Blobs.attributes(table)) {
            JsonNode kept = previous == null ? null : previous.get(blob.name());
            if (kept == null) {
                body.remove(blob.name());
            } else {
                body.set(blob.name(), kept);
            }
        }
    }

    /** Sets the computed attributes, in declaration order (one may read those before it); null leaves one out. */
    static void compute(TableDefinition table, ObjectNode body) {
        for (Attribute attribute : table.attributes().values()) {
            attribute.computed().ifPresent(expression -> {
                JsonNode value = expression.evaluate(body);
                if (value.isNull()) {
                    body.remove(attribute.name());
                } else {
                    body.set(attribute.name(), value);
                }
            });
        }
    }

    // the attributes the server sets, whatever the client sent: the primary key and the creation and update times
    private void stamp(String id, ObjectNode body, JsonNode previous, long now) {
        body.set(table.primaryKey().name(), keys.value(id));
        table.withRole(Attribute.Role.CREATED_TIME).ifPresent(created -> body.set(created.name(),
                previous != null && previous.has(created.name()) ? previous.get(created.name()) : time(created, now)));
        table.withRole(Attribute.Role.UPDATED_TIME).ifPresent(updated -> body.set(updated.name(), time(updated, now)));
    }

    // a time in the attribute's type: a date, or milliseconds since 1970
    private static JsonNode time(Attribute attribute, long now) {
        return attribute.type() instanceof AttributeType.Scalar(AttributeType.Kind kind, boolean ignored)
                && kind == AttributeType.Kind.DATE ? DateNode.ofEpochMilli(now) : JsonNodeFactory.instance.numberNode(now);
    }

    static ObjectNode structured(Content content) {
        if (content instanceof Content.Structured(JsonNode value) && value.isObject()) {
            return (ObjectNode) value;
        }
        if (content instanceof Content.Structured(JsonNode value)) {
            throw ResourceException.badRequest("a record must be an object, got " + value.getNodeType().name()
                    .toLowerCase(java.util.Locale.ROOT), null);
        }
        throw ResourceException.badRequest("this operation needs a structured record (JSON, CBOR or MessagePack)",
                null);
    }
}
