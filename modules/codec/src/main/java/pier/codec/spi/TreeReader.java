package pier.codec.spi;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.codec.DateEncoding;
import pier.codec.DateNode;

/**
 * Reads a tree as Jackson does, except that a value the format marks as a time becomes a {@link DateNode}:
 * Jackson's own tree reader drops CBOR tags and keeps a MessagePack timestamp as an opaque object. Depth
 * is bounded by the parser's nesting limit.
 */
final class TreeReader extends StdDeserializer<JsonNode> {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final transient DateEncoding dates;

    TreeReader(DateEncoding dates) {
        super(JsonNode.class);
        this.dates = dates;
    }

    @Override
    public JsonNode deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        return new Walk(parser).value(parser.currentToken());
    }

    /** One tree's reading: tokens come through the limits' wrapper, tags and extensions from the format's parser. */
    private final class Walk {
        private final JsonParser parser;
        private final JsonParser format;

        Walk(JsonParser parser) {
            this.parser = parser;
            JsonParser inner = parser;
            while (inner instanceof JsonParserDelegate delegate) {
                inner = delegate.delegate();
            }
            this.format = inner;
        }

        private JsonNode value(JsonToken token) throws IOException {
            if (token == null) {
                throw new JsonParseException(parser, "unexpected end of input");
            }
            return switch (token) {
                case START_OBJECT -> object();
                case START_ARRAY -> array();
                case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_EMBEDDED_OBJECT -> scalar(token);
                case VALUE_TRUE -> NODES.booleanNode(true);
                case VALUE_FALSE -> NODES.booleanNode(false);
                case VALUE_NULL -> NODES.nullNode();
                default -> throw new JsonParseException(parser, "unexpected " + token);
            };
        }

        private JsonNode scalar(JsonToken token) throws IOException {
            DateNode date = dates.read(format);
            if (date != null) {
                return date;
            }
            if (token == JsonToken.VALUE_STRING) {
                return NODES.textNode(parser.getText());
            }
            if (token == JsonToken.VALUE_EMBEDDED_OBJECT) {
                Object embedded = parser.getEmbeddedObject();
                return embedded instanceof byte[] bytes ? NODES.binaryNode(bytes) : NODES.pojoNode(embedded);
            }
            return switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                case BIG_INTEGER -> NODES.numberNode(parser.getBigIntegerValue());
                case FLOAT -> NODES.numberNode(parser.getFloatValue());
                case DOUBLE -> NODES.numberNode(parser.getDoubleValue());
                case BIG_DECIMAL -> NODES.numberNode(parser.getDecimalValue());
            };
        }

        private ObjectNode object() throws IOException {
            ObjectNode object = NODES.objectNode();
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                object.set(name, value(parser.nextToken()));
            }
            return object;
        }

        private ArrayNode array() throws IOException {
            ArrayNode array = NODES.arrayNode();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                array.add(value(token));
            }
            return array;
        }
    }
}
