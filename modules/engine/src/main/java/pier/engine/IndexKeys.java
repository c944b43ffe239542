package pier.engine;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;

import pier.query.ValueOrder;

/**
 * The keys of a secondary index: the attribute's value, encoded so that unsigned byte order is
 * {@link ValueOrder}, followed by the record's primary key. A value is a rank tag, then for numbers
 * an order-preserving double, for strings (and objects, by their JSON text) UTF-8 with {@code 00} escaped
 * as {@code 00 FF} and ended by {@code 00}. Long strings are cut at {@value #MAX_STRING_BYTES} bytes and
 * integers beyond 2^53 share a double, so an index finds a superset: every candidate is checked against
 * the query on the record itself.
 */
final class IndexKeys {

    static final int MAX_STRING_BYTES = 512;

    private IndexKeys() {
    }

    /** The encoded value, without a primary key: the prefix of its entries. */
    static byte[] value(JsonNode value) {
        ValueOrder.Rank rank = ValueOrder.rank(value);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16);
        out.write(tag(rank));
        switch (rank) {
            case NUMBER -> out.writeBytes(number(value.doubleValue()));
            case STRING -> string(out, value.textValue(), true);
            case OTHER -> string(out, value.toString(), true);
            default -> {
                // the tag is the whole value
            }
        }
        return out.toByteArray();
    }

    /** The prefix of every entry whose string value starts with {@code prefix}. */
    static byte[] stringPrefix(String prefix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(prefix.length() + 1);
        out.write(tag(ValueOrder.Rank.STRING));
        string(out, prefix, false);
        return out.toByteArray();
    }

    /** The first key of a rank's entries. */
    static byte[] rank(ValueOrder.Rank rank) {
        return new byte[] {tag(rank)};
    }

    static byte[] entry(byte[] value, byte[] primaryKey) {
        byte[] entry = Arrays.copyOf(value, value.length + primaryKey.length);
        System.arraycopy(primaryKey, 0, entry, value.length, primaryKey.length);
        return entry;
    }

    /** How many leading bytes of an entry are its value. */
    static int valueLength(byte[] entry) {
        int tag = entry[0];
        if (tag == tag(ValueOrder.Rank.NUMBER)) {
            return 1 + Double.BYTES;
        }
        if (tag == tag(ValueOrder.Rank.STRING) || tag == tag(ValueOrder.Rank.OTHER)) {
            for (int i = 1; i < entry.length; i++) {
                if (entry[i] == 0) {
                    if (i + 1 < entry.length && entry[i + 1] == (byte) 0xff) {
                        i++;
                    } else {
                        return i + 1;
                    }
                }
            }
            throw new IllegalStateException("index entry without a string terminator");
        }
        return 1;
    }

    static byte[] primaryKey(byte[] entry) {
        return Arrays.copyOfRange(entry, valueLength(entry), entry.length);
    }

    private static byte tag(ValueOrder.Rank rank) {
        return (byte) (rank.ordinal() + 1);
    }

    private static byte[] number(double d) {
        long bits = Double.doubleToLongBits(d == 0 ? 0.0 : d);
        // negative numbers: flip every bit; positive: flip the sign, so byte order is numeric order
        return ByteBuffer.allocate(Double.BYTES).putLong(bits < 0 ? ~bits : bits ^ Long.MIN_VALUE).array();
    }

    private static void string(ByteArrayOutputStream out, String text, boolean terminate) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(utf8.length, MAX_STRING_BYTES);
        for (int i = 0; i < length; i++) {
            out.write(utf8[i]);
            if (utf8[i] == 0) {
                out.write(0xff);
            }
        }
        if (terminate) {
            out.write(0);
        }
    }
}
