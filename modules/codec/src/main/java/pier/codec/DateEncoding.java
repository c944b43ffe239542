package pier.codec;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;

/**
 * How a binary format writes and recognises a time of its own (CBOR tag 1, the MessagePack timestamp):
 * given to {@link pier.codec.spi.JacksonCodec} by the format's provider. Without one, a date is ISO-8601 text
 * and text stays text (the schema makes dates of it).
 */
public interface DateEncoding {

    /**
     * Writes a date.
     *
     * @param epochMillis the time
     * @param generator   the format's generator
     * @throws IOException when writing fails
     */
    void write(long epochMillis, JsonGenerator generator) throws IOException;

    /**
     * The date at the parser's current value, when it is one.
     *
     * @param parser the format's parser, on a value token
     * @return the date, or {@code null} for any other value
     * @throws IOException when reading fails
     */
    DateNode read(JsonParser parser) throws IOException;
}
