package pier.query;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The total order of values that {@code sort()} uses and that indexes keep: null, false, true,
 * numbers (numerically), strings (by code point, which is UTF-8 byte order), other values (arrays
 * and objects, by their JSON text), and last a missing value.
 */
public final class ValueOrder {

    /** The groups of the order, lowest first. */
    public enum Rank {
        NULL, FALSE, TRUE, NUMBER, STRING, OTHER, MISSING
    }

    private ValueOrder() {
    }

    /**
     * The group a value belongs to.
     *
     * @param value a value; {@code MissingNode} (or Java null) for a missing attribute
     * @return its rank
     */
    public static Rank rank(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return Rank.MISSING;
        }
        return switch (value.getNodeType()) {
            case NULL -> Rank.NULL;
            case BOOLEAN -> value.booleanValue() ? Rank.TRUE : Rank.FALSE;
            case NUMBER -> Rank.NUMBER;
            case STRING -> Rank.STRING;
            default -> Rank.OTHER;
        };
    }

    /**
     * Compares two values in this order.
     *
     * @param a a value
     * @param b another
     * @return negative, zero or positive as {@code a} sorts before, with or after {@code b}
     */
    public static int compare(JsonNode a, JsonNode b) {
        Rank ra = rank(a);
        Rank rb = rank(b);
        if (ra != rb) {
            return ra.compareTo(rb);
        }
        return switch (ra) {
            case NUMBER -> compareNumbers(a, b);
            case STRING -> compareStrings(a.textValue(), b.textValue());
            case OTHER -> compareStrings(a.toString(), b.toString());
            default -> 0;
        };
    }

    /**
     * Compares two numbers numerically, exactly for integers that fit a long.
     *
     * @param a a number
     * @param b another
     * @return the comparison
     */
    public static int compareNumbers(JsonNode a, JsonNode b) {
        if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
            return Long.compare(a.longValue(), b.longValue());
        }
        double da = a.doubleValue();
        double db = b.doubleValue();
        // -0.0 and 0.0 are the same number here
        return da == db ? 0 : Double.compare(da, db);
    }

    /**
     * Compares two strings by code point, the order of their UTF-8 bytes (Java's own
     * {@code compareTo} orders UTF-16 units, which differs above U+FFFF).
     *
     * @param a a string
     * @param b another
     * @return the comparison
     */
    public static int compareStrings(String a, String b) {
        int length = Math.min(a.length(), b.length());
        for (int i = 0; i < length; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                boolean sa = Character.isSurrogate(ca);
                boolean sb = Character.isSurrogate(cb);
                // a surrogate stands for a code point above every BMP character
                return sa == sb ? Character.compare(ca, cb) : sa ? 1 : -1;
            }
        }
        return Integer.compare(a.length(), b.length());
    }
}
