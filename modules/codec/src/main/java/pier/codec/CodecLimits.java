package pier.codec;

/**
 * Input limits that every codec enforces while decoding, so that hostile input fails with a
 * {@link CodecException} instead of exhausting memory or the stack.
 *
 * @param maxBytes        largest encoded input accepted, in bytes
 * @param maxDepth        deepest nesting of arrays and objects accepted
 * @param maxStringLength longest string or byte string accepted, in characters or bytes
 */
public record CodecLimits(int maxBytes, int maxDepth, int maxStringLength) {

    /** 16 MiB of input, 64 levels of nesting, 8 MiB strings. */
    public static final CodecLimits DEFAULT = new CodecLimits(16 << 20, 64, 8 << 20);

    /**
     * Checks the limits are positive.
     *
     * @throws IllegalArgumentException when one is not
     */
    public CodecLimits {
        if (maxBytes <= 0 || maxDepth <= 0 || maxStringLength <= 0) {
            throw new IllegalArgumentException("codec limits must be positive: " + maxBytes + ", " + maxDepth
                    + ", " + maxStringLength);
        }
    }
}
