package pier.engine;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.resource.ResourceException;

/**
 * Checks a record body against its table's declared attributes; undeclared attributes are allowed
 * unless the table (or nested type) is {@code @sealed}. Failures name the attribute's path. The one
 * change it makes: a {@code Date} given as text or milliseconds becomes a {@link DateNode}.
 */
final class RecordValidator {

    private RecordValidator() {
    }

    static void validate(TableDefinition table, JsonNode body) {
        if (!body.isObject()) {
            throw ResourceException.badRequest("a record must be an object, got " + body.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT), null);
        }
        object("", table.attributes(), table.sealed(), body);
    }

    private static void object(String path, Map<String, Attribute> attributes, boolean sealed, JsonNode body) {
        for (Attribute attribute : attributes.values()) {
            JsonNode value = body.get(attribute.name());
            String at = path + attribute.name();
            if (value == null || value.isNull()) {
                if (attribute.type().required()) {
                    throw ResourceException.badRequest("attribute " + at + " is required", at);
                }
            } else {
                JsonNode checked = value(at, attribute.type(), value);
                if (checked != value) {
                    ((ObjectNode) body).set(attribute.name(), checked);
                }
            }
        }
        if (sealed) {
            for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!attributes.containsKey(name)) {
                    throw ResourceException.badRequest("attribute " + path + name + " is not declared and the type is"
                            + " @sealed", path + name);
                }
            }
        }
    }

    private static JsonNode value(String at, AttributeType type, JsonNode value) {
        switch (type) {
            case AttributeType.Scalar scalar -> {
                return scalar(at, scalar.kind(), value);
            }
            case AttributeType.ListOf list -> {
                if (!value.isArray()) {
                    throw mismatch(at, "a list", value);
                }
                for (int i = 0; i < value.size(); i++) {
                    JsonNode element = value.get(i);
                    if (!element.isNull()) {
                        JsonNode checked = value(at + "[" + i + "]", list.element(), element);
                        if (checked != element) {
                            ((ArrayNode) value).set(i, checked);
                        }
                    }
                }
                return value;
            }
            case AttributeType.Joined joined -> throw ResourceException.badRequest("attribute " + at + " is a "
                    + "relationship, joined when read; write " + joined.from().map(from -> "attribute " + from)
                    .orElseGet(() -> joined.table() + "." + joined.to().orElseThrow() + " instead"), at);
            case AttributeType.ObjectOf object -> {
                if (!value.isObject()) {
                    throw mismatch(at, "an object of type " + object.name(), value);
                }
                object(at + ".", object.attributes(), object.sealed(), value);
                return value;
            }
        }
    }

    private static JsonNode scalar(String at, AttributeType.Kind kind, JsonNode value) {
        if (kind == AttributeType.Kind.DATE) {
            return Dates.of(value).orElseThrow(() -> mismatch(at, "a date (ISO-8601 text, milliseconds since 1970, "
                    + "CBOR tag 0 or 1, or a MessagePack timestamp)", value));
        }
        boolean ok = switch (kind) {
            case ID -> value.isTextual() || value.isIntegralNumber();
            case STRING -> value.isTextual();
            case INT -> value.isIntegralNumber() && value.canConvertToInt();
            case LONG -> value.isIntegralNumber() && value.canConvertToLong();
            case FLOAT -> value.isNumber();
            case BOOLEAN -> value.isBoolean();
            case ANY -> true;
            case BYTES -> value.isBinary();
            case BIG_INT -> value.isIntegralNumber();
            case BLOB -> Blobs.isReference(value);
            case DATE -> throw new IllegalStateException("dates are read above");
        };
        if (!ok) {
            throw mismatch(at, switch (kind) {
                case INT -> "an integer (from -2147483648 to 2147483647)";
                case LONG -> "an integer (from -2^63 to 2^63-1)";
                case BYTES -> "a byte string (CBOR or MessagePack binary)";
                case BIG_INT -> "an integer";
                case BLOB -> "a blob, stored with PUT /<table>/<id>?blob=" + at;
                default -> "a " + kind.schemaName();
            }, value);
        }
        return value;
    }

    private static ResourceException mismatch(String at, String expected, JsonNode value) {
        String shown = value.toString();
        return ResourceException.badRequest("value " + (shown.length() > 60 ? shown.substring(0, 60) + "..." : shown)
                + " in attribute " + at + " must be " + expected, at);
    }
}
