package pier.codec.cbor;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;

import pier.codec.DateEncoding;
import pier.codec.DateNode;

/**
 * CBOR's times (RFC 8949 §3.4.1–2): written as tag 1, seconds since 1970 (an integer when whole, else a
 * float); read from tag 1 and from tag 0, RFC 3339 text.
 */
final class CborDates implements DateEncoding {

    private static final int TEXT = 0;
    private static final int EPOCH = 1;

    @Override
    public void write(long epochMillis, JsonGenerator generator) throws IOException {
        ((CBORGenerator) generator).writeTag(EPOCH);
        if (epochMillis % 1000 == 0) {
            generator.writeNumber(epochMillis / 1000);
        } else {
            generator.writeNumber(epochMillis / 1000.0);
        }
    }

    @Override
    public DateNode read(JsonParser parser) throws IOException {
        int tag = ((CBORParser) parser).getCurrentTag();
        JsonToken token = parser.currentToken();
        if (tag == EPOCH && token == JsonToken.VALUE_NUMBER_INT) {
            return DateNode.ofEpochMilli(Math.multiplyExact(parser.getLongValue(), 1000L));
        }
        if (tag == EPOCH && token == JsonToken.VALUE_NUMBER_FLOAT) {
            return DateNode.ofEpochMilli(Math.round(parser.getDoubleValue() * 1000));
        }
        if (tag == TEXT && token == JsonToken.VALUE_STRING) {
            try {
                return DateNode.of(Instant.parse(parser.getText()));
            } catch (DateTimeParseException e) {
                throw new JsonParseException(parser, "tag 0 needs an RFC 3339 time, got " + parser.getText());
            }
        }
        return null;
    }
}
