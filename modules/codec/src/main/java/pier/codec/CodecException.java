package pier.codec;

/**
 * The one exception of this module: a value could not be decoded or encoded, or no format fits a request.
 * {@link #kind()} says which, so protocols can answer with the right status or reason code.
 */
public final class CodecException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The input is not a valid encoding of the format; {@link #offset()} points at the problem. */
        MALFORMED,
        /** The input exceeds one of the {@link CodecLimits}. */
        TOO_LARGE,
        /** The value has no representation in the requested format. */
        UNREPRESENTABLE,
        /** No supported media type matches what the client accepts or sends. */
        UNSUPPORTED_MEDIA_TYPE
    }

    private final Kind kind;
    private final long offset;

    private CodecException(Kind kind, String message, long offset, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.offset = offset;
    }

    /**
     * Malformed input.
     *
     * @param message what is wrong
     * @param offset  the byte (or, for text formats, character) offset of the problem, or -1 when unknown
     * @param cause   the parser's exception
     * @return the exception
     */
    public static CodecException malformed(String message, long offset, Throwable cause) {
        return new CodecException(Kind.MALFORMED, message, offset, cause);
    }

    /**
     * Input over a limit.
     *
     * @param message which limit and by how much
     * @return the exception
     */
    public static CodecException tooLarge(String message) {
        return new CodecException(Kind.TOO_LARGE, message, -1, null);
    }

    /**
     * A value the format cannot hold.
     *
     * @param message what could not be represented
     * @param cause   the generator's exception, if any
     * @return the exception
     */
    public static CodecException unrepresentable(String message, Throwable cause) {
        return new CodecException(Kind.UNREPRESENTABLE, message, -1, cause);
    }

    /**
     * No codec for a media type or Accept header.
     *
     * @param message what was asked and what is supported
     * @return the exception
     */
    public static CodecException unsupported(String message) {
        return new CodecException(Kind.UNSUPPORTED_MEDIA_TYPE, message, -1, null);
    }

    /**
     * What went wrong.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Where in the input the problem was found.
     *
     * @return a byte or character offset, or -1 when unknown
     */
    public long offset() {
        return offset;
    }
}
