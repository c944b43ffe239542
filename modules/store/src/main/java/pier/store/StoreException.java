package pier.store;

/**
 * The one exception of the store: it could not be opened, a commit failed, or it is closed.
 * Messages name the file concerned and why.
 */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The store's files cannot be opened: corrupt, locked, half-created, or no space. */
        CANNOT_OPEN,
        /** A commit failed; none of its batches is durable. */
        COMMIT_FAILED,
        /** The store is closed or closing. */
        CLOSED
    }

    private final Kind kind;

    /**
     * Creates the exception.
     *
     * @param kind    what went wrong
     * @param message which file and why
     * @param cause   the underlying failure, or null
     */
    public StoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /**
     * What went wrong.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }
}
