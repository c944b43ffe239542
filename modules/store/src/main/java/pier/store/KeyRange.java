package pier.store;

import java.util.Arrays;
import java.util.Optional;

/**
 * A range of keys in unsigned lexicographic order: from a lower bound (inclusive) to an upper bound
 * (exclusive), each optional.
 */
public final class KeyRange {

    private static final KeyRange ALL = new KeyRange(null, null);

    private final byte[] from;
    private final byte[] to;

    private KeyRange(byte[] from, byte[] to) {
        this.from = from;
        this.to = to;
    }

    /**
     * Every key.
     *
     * @return the unbounded range
     */
    public static KeyRange all() {
        return ALL;
    }

    /**
     * Keys at or after {@code from}.
     *
     * @param from the inclusive lower bound
     * @return the range
     */
    public static KeyRange atLeast(byte[] from) {
        return new KeyRange(from.clone(), null);
    }

    /**
     * Keys from {@code from} (inclusive) to {@code to} (exclusive).
     *
     * @param from the inclusive lower bound
     * @param to   the exclusive upper bound
     * @return the range
     */
    public static KeyRange between(byte[] from, byte[] to) {
        return new KeyRange(from.clone(), to.clone());
    }

    /**
     * Keys that start with {@code prefix}.
     *
     * @param prefix the common prefix; empty means every key
     * @return the range
     */
    public static KeyRange prefix(byte[] prefix) {
        return new KeyRange(prefix.clone(), successor(prefix).orElse(null));
    }

    /**
     * The inclusive lower bound.
     *
     * @return a copy of the bound, or empty when unbounded
     */
    public Optional<byte[]> from() {
        return Optional.ofNullable(from).map(byte[]::clone);
    }

    /**
     * The exclusive upper bound.
     *
     * @return a copy of the bound, or empty when unbounded
     */
    public Optional<byte[]> to() {
        return Optional.ofNullable(to).map(byte[]::clone);
    }

    /**
     * Whether a key lies in the range.
     *
     * @param key the key
     * @return true when {@code from <= key < to}
     */
    public boolean contains(byte[] key) {
        return (from == null || Arrays.compareUnsigned(key, from) >= 0)
                && (to == null || Arrays.compareUnsigned(key, to) < 0);
    }

    // the smallest key greater than every key with this prefix; none when the prefix is all 0xff
    private static Optional<byte[]> successor(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xff) {
                byte[] next = Arrays.copyOf(prefix, i + 1);
                next[i]++;
                return Optional.of(next);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "[" + (from == null ? "-inf" : Arrays.toString(from)) + ", "
                + (to == null ? "+inf" : Arrays.toString(to)) + ")";
    }
}
