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
            case VALUE_NUMBER_FLOAT -> checkFinite();
            default -> { }
        }
        return token;
    }

    // NaN, an infinity, or a JSON number beyond a double's range (1e999) has no form in every format: JSON
    // would serve it as the string "Infinity"; stored values stay what every client can read back
    private void checkFinite() throws IOException {
        NumberType type = getNumberType();
        if ((type == NumberType.DOUBLE || type == NumberType.FLOAT) && !Double.isFinite(getDoubleValue())) {
            throw CodecException.malformed("a number that is not finite (NaN, an infinity, or beyond the range of a "
                    + "double) cannot be stored", -1, null);
        }
    }

    private void checkLength(int length) {
        if (length > limits.maxStringLength()) {
            throw CodecException.tooLarge("string of " + length + " characters exceeds the limit of "
                    + limits.maxStringLength());
        }
    }
}
