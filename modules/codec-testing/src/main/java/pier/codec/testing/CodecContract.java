package pier.codec.testing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;

import pier.codec.Codec;
import pier.codec.CodecException;
import pier.codec.CodecLimits;
import pier.codec.CollectionWriter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The behaviour every structured {@link Codec} must have: exact round trips, and a {@link CodecException}
 * (never another exception, never an allocation the input does not pay for) on any bad input.
 * Each provider's test extends it.
 */
public abstract class CodecContract {

    protected static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    protected static final CodecLimits SMALL = new CodecLimits(4096, 8, 100);

    /**
     * The codec under test.
     *
     * @param limits the limits it must enforce
     * @return the codec
     */
    protected abstract Codec codec(CodecLimits limits);

    /**
     * Inputs that are invalid in this format only (not merely truncated), each must fail as malformed.
     *
     * @return the inputs
     */
    protected abstract List<byte[]> malformedInputs();

    /**
     * Short inputs whose headers announce far more data than they hold (for example a 2 GiB string).
     *
     * @return the inputs
     */
    protected abstract List<byte[]> lyingLengthInputs();

    /**
     * Any bytes either decode to a value of the value model that encodes back to itself, or fail with a
     * {@link CodecException}. {@code ./pier test} replays the inputs in the concrete test's
     * {@code <Test>Inputs/decodesOrRefusesAnyBytes} resources; {@code ./pier fuzz} searches for new ones.
     *
     * @param input the fuzzer's bytes
     */
    @FuzzTest(maxDuration = "10s")
    void decodesOrRefusesAnyBytes(byte[] input) {
        Codec codec = codec(SMALL);
        JsonNode value;
        try {
            value = codec.decode(input);
        } catch (CodecException e) {
            return;
        }
        assertPlainValues(value);
        JsonNode again = codec.decode(codec.encode(value));
        // a number may come back in another width (a uint64 that fits a long): equal values are what count
        assertThat(value + " and " + again, value.equals(SAME_VALUE, again), is(true));
    }

    private static final java.util.Comparator<JsonNode> SAME_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.isFloatingPointNumber() || b.isFloatingPointNumber()
                    ? Double.compare(a.doubleValue(), b.doubleValue()) : a.bigIntegerValue().compareTo(b.bigIntegerValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    // a value the store can keep: no node that stands for a format's own type (an extension, an object)
    private static void assertPlainValues(JsonNode value) {
        assertThat(value.getNodeType().name(), value.isPojo(), is(false));
        value.forEach(CodecContract::assertPlainValues);
    }

    /** A record with every kind of value the value model holds. */
    protected static ObjectNode sampleRecord() {
        ObjectNode record = NODES.objectNode();
        record.put("id", "rex/1");
        record.put("name", "Rex \u00e9\u6f22\ud83d\udc15");
        record.put("age", 3);
        record.put("long", 1L << 40);
        record.put("negative", -17);
        record.put("float", 0.1);
        record.put("huge", 1.5e300);
        record.put("yes", true);
        record.putNull("nothing");
        ArrayNode nested = record.putArray("nested");
        nested.add(1).add("two").addArray().add(NODES.objectNode().put("deep", false));
        record.putObject("owner").put("name", "Ann").putObject("address").put("city", "Oslo");
        record.putArray("empty");
        return record;
    }

    @Test
    void roundTripsARecordExactly() {
        Codec codec = codec(CodecLimits.DEFAULT);
        ObjectNode record = sampleRecord();
        assertThat(codec.decode(codec.encode(record)), is(record));
    }

    @Test
    void roundTripsScalarsAtTheTopLevel() {
        Codec codec = codec(CodecLimits.DEFAULT);
        for (JsonNode value : List.of(NODES.textNode("plain"), NODES.numberNode(42), NODES.booleanNode(false),
                NODES.nullNode(), NODES.numberNode(-2.5))) {
            assertThat(codec.decode(codec.encode(value)), is(value));
        }
    }

    @Test
    void keepsIntegersBeyondLongOrRefusesThemClearly() {
        Codec codec = codec(CodecLimits.DEFAULT);
        JsonNode big = NODES.numberNode(new BigInteger("123456789012345678901234567890"));
        try {
            JsonNode back = codec.decode(codec.encode(big));
            assertThat(back.bigIntegerValue(), is(big.bigIntegerValue()));
        } catch (CodecException e) {
            assertThat(e.kind(), is(CodecException.Kind.UNREPRESENTABLE));
        }
    }

    @Test
    void keepsBinaryValuesAsBytes() {
        Codec codec = codec(CodecLimits.DEFAULT);
        byte[] bytes = {0, 1, 2, (byte) 0xff, (byte) 0x80};
        JsonNode back = codec.decode(codec.encode(NODES.objectNode().put("blob", bytes))).get("blob");
        assertThat(Arrays.equals(binaryOf(back), bytes), is(true));
    }

    /**
     * The bytes of a binary value after a round trip; text formats return them as base64.
     *
     * @param value the decoded value
     * @return its bytes
     */
    protected byte[] binaryOf(JsonNode value) {
        try {
            return value.binaryValue();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyTruncationIsMalformed() {
        Codec codec = codec(CodecLimits.DEFAULT);
        byte[] full = codec.encode(sampleRecord());
        for (int length = 0; length < full.length; length++) {
            byte[] prefix = Arrays.copyOf(full, length);
            CodecException e = assertThrows(CodecException.class, () -> codec.decode(prefix), "prefix " + length);
            assertThat(e.kind(), is(CodecException.Kind.MALFORMED));
        }
    }

    @Test
    void formatSpecificGarbageIsMalformed() {
        Codec codec = codec(CodecLimits.DEFAULT);
        for (byte[] input : malformedInputs()) {
            CodecException e = assertThrows(CodecException.class, () -> codec.decode(input),
                    new String(input, StandardCharsets.ISO_8859_1));
            assertThat(e.kind(), is(CodecException.Kind.MALFORMED));
        }
    }

    @Test
    void lyingLengthsFailWithoutAllocating() {
        Codec codec = codec(CodecLimits.DEFAULT);
        for (byte[] input : lyingLengthInputs()) {
            // surefire runs codec tests with a small heap, so an allocation of the announced size fails the test
            assertThrows(CodecException.class, () -> codec.decode(input));
        }
    }

    @Test
    void randomBytesNeverEscapeAsAnotherException() {
        Codec codec = codec(SMALL);
        Random random = new Random(20261128);
        byte[] valid = codec.encode(sampleRecord());
        for (int i = 0; i < 3000; i++) {
            byte[] input = i % 2 == 0 ? randomBytes(random) : mutate(valid, random);
            try {
                codec.decode(input);
            } catch (CodecException expected) {
                assertThat(expected.getMessage(), not(is((String) null)));
            }
        }
    }

    @Test
    void trailingDataIsMalformed() {
        Codec codec = codec(CodecLimits.DEFAULT);
        byte[] one = codec.encode(sampleRecord());
        byte[] two = Arrays.copyOf(one, one.length * 2);
        System.arraycopy(one, 0, two, one.length, one.length);
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(two));
        assertThat(e.kind(), is(CodecException.Kind.MALFORMED));
    }

    @Test
    void inputOverTheSizeLimitIsTooLarge() {
        Codec codec = codec(SMALL);
        ArrayNode big = NODES.arrayNode();
        for (int i = 0; i < 2000; i++) {
            big.add(i);
        }
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(codec(CodecLimits.DEFAULT)
                .encode(big)));
        assertThat(e.kind(), is(CodecException.Kind.TOO_LARGE));
    }

    @Test
    void nestingOverTheDepthLimitIsTooLarge() {
        ArrayNode deep = NODES.arrayNode();
        ArrayNode current = deep;
        for (int i = 0; i < 20; i++) {
            current = current.addArray();
        }
        byte[] encoded = codec(CodecLimits.DEFAULT).encode(deep);
        CodecException e = assertThrows(CodecException.class, () -> codec(SMALL).decode(encoded));
        assertThat(e.kind(), is(CodecException.Kind.TOO_LARGE));
    }

    @Test
    void stringOverTheLengthLimitIsTooLarge() {
        byte[] encoded = codec(CodecLimits.DEFAULT).encode(NODES.objectNode().put("s", "x".repeat(500)));
        CodecException e = assertThrows(CodecException.class, () -> codec(SMALL).decode(encoded));
        assertThat(e.kind(), is(CodecException.Kind.TOO_LARGE));
    }

    @Test
    void emptyInputIsMalformed() {
        CodecException e = assertThrows(CodecException.class, () -> codec(CodecLimits.DEFAULT).decode(new byte[0]));
        assertThat(e.kind(), is(CodecException.Kind.MALFORMED));
    }

    @Test
    void streamsACollectionAsOneArray() {
        Codec codec = codec(CodecLimits.DEFAULT);
        for (long announced : new long[] {3, CollectionWriter.UNKNOWN_COUNT}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (CollectionWriter writer = codec.collectionWriter(out, announced)) {
                writer.write(sampleRecord());
                writer.write(NODES.numberNode(7));
                writer.write(NODES.objectNode());
            }
            ArrayNode expected = NODES.arrayNode().add(sampleRecord()).add(7).add(NODES.objectNode());
            assertThat(codec.decode(out.toByteArray()), is(expected));
        }
    }

    @Test
    void streamsAnEmptyCollection() {
        Codec codec = codec(CodecLimits.DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.collectionWriter(out, 0).close();
        assertThat(codec.decode(out.toByteArray()), is(NODES.arrayNode()));
    }

    @Test
    void refusesToCloseACollectionShorterThanAnnounced() {
        Codec codec = codec(CodecLimits.DEFAULT);
        CollectionWriter writer = codec.collectionWriter(new ByteArrayOutputStream(), 2);
        writer.write(NODES.numberNode(1));
        assertThrows(IllegalStateException.class, writer::close);
    }

    /**
     * Bytes from unsigned values, for writing format samples by hand.
     *
     * @param values each 0 to 255
     * @return the bytes
     */
    protected static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] copy = valid.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }
}
