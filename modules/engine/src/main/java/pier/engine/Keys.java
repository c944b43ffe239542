package pier.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import pier.resource.ResourceException;

/**
 * Primary keys: coerced from the id in a path or topic to the key's type, and encoded so that the
 * store's unsigned byte order is the key's natural order (numbers as big-endian with the sign flipped).
 */
final class Keys {

    private final TableDefinition table;

    Keys(TableDefinition table) {
        this.table = table;
    }

    /** A new key in the primary key's type, for a record created without one (POST). */
    String random() {
        return switch (table.keyKind()) {
            case INT -> Integer.toString(java.util.concurrent.ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE));
            case LONG -> Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
            default -> java.util.UUID.randomUUID().toString();
        };
    }

    /** The id as the body's primary key value, e.g. {@code 7} for an Int key. */
    JsonNode value(String id) {
        return switch (table.keyKind()) {
            case INT -> JsonNodeFactory.instance.numberNode(parse(id, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case LONG -> JsonNodeFactory.instance.numberNode(parse(id, Long.MIN_VALUE, Long.MAX_VALUE));
            default -> JsonNodeFactory.instance.textNode(id);
        };
    }

    byte[] encode(String id) {
        return switch (table.keyKind()) {
            case INT, LONG -> ByteBuffer.allocate(Long.BYTES).putLong(value(id).longValue() ^ Long.MIN_VALUE).array();
            default -> id.getBytes(StandardCharsets.UTF_8);
        };
    }

    String decode(byte[] key) {
        return switch (table.keyKind()) {
            case INT, LONG -> Long.toString(ByteBuffer.wrap(key).getLong() ^ Long.MIN_VALUE);
            default -> new String(key, StandardCharsets.UTF_8);
        };
    }

    /** The id of a body's primary key value, for records created from content. */
    String idOf(JsonNode keyValue) {
        if (keyValue.isIntegralNumber() || keyValue.isTextual()) {
            String id = keyValue.asText();
            encode(id);
            return id;
        }
        throw ResourceException.badRequest("attribute " + table.primaryKey().name() + " must be a "
                + table.keyKind().schemaName() + ", got " + keyValue, table.primaryKey().name());
    }

    private long parse(String id, long min, long max) {
        try {
            long value = Long.parseLong(id);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ResourceException.badRequest("invalid value for attribute " + table.primaryKey().name() + ": \"" + id
                + "\", expecting " + table.keyKind().schemaName(), table.primaryKey().name());
    }
}
