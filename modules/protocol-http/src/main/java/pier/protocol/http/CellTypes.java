package pier.protocol.http;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.codec.CodecException;

/**
 * The text of CSV cells as the values a table's attributes hold, by the types its description gives:
 * {@code Int}, {@code Long} and {@code BigInt} as integers, {@code Float} as a number, {@code Boolean} as
 * {@code true}/{@code false}, lists and {@code Any} as the JSON text an export writes them as (an
 * {@code Any} that is not JSON stays text); every other type, and a column the table does not declare,
 * stays text.
 */
final class CellTypes {

    /** Leaves every value as it is. */
    static final CellTypes NONE = new CellTypes(Map.of());

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Map<String, String> types;

    private CellTypes(Map<String, String> types) {
        this.types = types;
    }

    /** The types of a table's description ({@code {"attributes": [{"name", "type"}]}}). */
    static CellTypes of(JsonNode description) {
        Map<String, String> types = new HashMap<>();
        description.path("attributes").forEach(a -> types.put(a.path("name").asText(), a.path("type").asText()));
        return new CellTypes(types);
    }

    /** The record with its cells converted; a cell that is not of its attribute's type is refused. */
    ObjectNode converted(ObjectNode record, long line) {
        if (types.isEmpty()) {
            return record;
        }
        for (Iterator<Map.Entry<String, JsonNode>> cells = record.fields(); cells.hasNext(); ) {
            Map.Entry<String, JsonNode> cell = cells.next();
            String type = types.get(cell.getKey());
            if (type != null && cell.getValue().isTextual()) {
                cell.setValue(value(cell.getKey(), type, cell.getValue().asText(), line));
            }
        }
        return record;
    }

    private static JsonNode value(String column, String type, String text, long line) {
        try {
            return switch (type.replace("!", "")) {
                case "Int", "Long", "BigInt" -> JsonNodeFactory.instance.numberNode(new BigInteger(text.strip()));
                case "Float" -> JsonNodeFactory.instance.numberNode(Double.parseDouble(text.strip()));
                case "Boolean" -> JsonNodeFactory.instance.booleanNode(bool(text.strip()));
                case "Any" -> jsonOrText(text);
                default -> type.startsWith("[") ? JSON.readTree(text) : JsonNodeFactory.instance.textNode(text);
            };
        } catch (NumberFormatException | JsonProcessingException e) {
            throw CodecException.malformed("line " + line + ": column " + column + ": '" + text + "' is not a "
                    + type, -1, e);
        }
    }

    private static boolean bool(String text) {
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new NumberFormatException(text);
    }

    private static JsonNode jsonOrText(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }
}
