package pier.codec.spi;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;

import pier.codec.CodecException;
import pier.codec.CodecLimits;

/**
 * Enforces nesting depth and string length on any Jackson parser. JSON and CBOR parsers check
 * {@link com.fasterxml.jackson.core.StreamReadConstraints} themselves; the MessagePack parser does not,
 * so every codec reads through this one place.
 */
final class LimitedParser extends JsonParserDelegate {

    private final CodecLimits limits;
    private int depth;

    LimitedParser(JsonParser parser, CodecLimits limits) {
        super(parser);
        this.limits = limits;
    }

    @Override
    public JsonToken nextToken() throws IOException {
        return check(super.nextToken());
    }

    @Override
    public String nextFieldName() throws IOException {
        String name = super.nextFieldName();
        check(currentToken());
        return name;
    }

    private JsonToken check(JsonToken token) throws IOException {
        if (token == null) {
            return null;
        }
        switch (token) {
            case START_ARRAY, START_OBJECT -> {
                if (++depth > limits.maxDepth()) {
                    throw CodecException.tooLarge("nesting deeper than the limit of " + limits.maxDepth());
                }
            }
            case END_ARRAY, END_OBJECT -> depth--;
            case VALUE_STRING, FIELD_NAME -> checkLength(getTextLength());
            default -> { }
        }
        return token;
    }

    private void checkLength(int length) {
        if (length > limits.maxStringLength()) {
            throw CodecException.tooLarge("string of " + length + " characters exceeds the limit of "
                    + limits.maxStringLength());
        }
    }
}
