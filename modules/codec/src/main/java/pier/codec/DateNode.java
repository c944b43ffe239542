package pier.codec;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.NumericNode;

/**
 * A point in time, to the millisecond: a number of milliseconds since 1970 to every comparison, index and
 * query ({@code date:} values are milliseconds too), written in each format as that format writes a
 * time: ISO-8601 text in JSON and CSV, CBOR tag 1, the MessagePack timestamp extension. A format with a
 * way of its own gets it through {@link DateEncoding}.
 */
public final class DateNode extends NumericNode {

    private static final long serialVersionUID = 1L;

    private final long epochMillis;

    private DateNode(long epochMillis) {
        this.epochMillis = epochMillis;
    }

    /**
     * A date.
     *
     * @param epochMillis milliseconds since 1970-01-01T00:00:00Z
     * @return the node
     */
    public static DateNode ofEpochMilli(long epochMillis) {
        return new DateNode(epochMillis);
    }

    /**
     * A date.
     *
     * @param instant the time (to the millisecond)
     * @return the node
     */
    public static DateNode of(Instant instant) {
        return new DateNode(instant.toEpochMilli());
    }

    /**
     * The time.
     *
     * @return it as an instant
     */
    public Instant instant() {
        return Instant.ofEpochMilli(longValue());
    }

    /** ISO-8601 text, as JSON and CSV show a date. */
    @Override
    public String asText() {
        return instant().toString();
    }

    @Override
    public void serialize(JsonGenerator generator, SerializerProvider provider) throws IOException {
        if (provider.getAttribute(DateEncoding.class) instanceof DateEncoding encoding) {
            encoding.write(longValue(), generator);
        } else {
            generator.writeString(asText());
        }
    }

    @Override
    public JsonToken asToken() {
        return JsonToken.VALUE_NUMBER_INT;
    }

    @Override
    public JsonParser.NumberType numberType() {
        return JsonParser.NumberType.LONG;
    }

    @Override
    public boolean isIntegralNumber() {
        return true;
    }

    @Override
    public boolean isLong() {
        return true;
    }

    @Override
    public Number numberValue() {
        return epochMillis;
    }

    @Override
    public int intValue() {
        return (int) epochMillis;
    }

    @Override
    public long longValue() {
        return epochMillis;
    }

    @Override
    public double doubleValue() {
        return epochMillis;
    }

    @Override
    public BigDecimal decimalValue() {
        return BigDecimal.valueOf(epochMillis);
    }

    @Override
    public BigInteger bigIntegerValue() {
        return BigInteger.valueOf(epochMillis);
    }

    @Override
    public boolean canConvertToInt() {
        return epochMillis >= Integer.MIN_VALUE && epochMillis <= Integer.MAX_VALUE;
    }

    @Override
    public boolean canConvertToLong() {
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DateNode date && date.epochMillis == epochMillis;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(epochMillis);
    }
}
