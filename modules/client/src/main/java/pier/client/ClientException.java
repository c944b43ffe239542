package pier.client;

/**
 * A request the server refused or could not be reached for. For refusals the status and the problem
 * body's {@code title} and {@code detail} (RFC 9457) are kept, so callers show what the server said.
 */
public final class ClientException extends RuntimeException {

    /** The status of a failure that never got an HTTP answer. */
    public static final int UNREACHABLE = 0;

    private final int status;

    ClientException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    static ClientException unreachable(String what, Throwable cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ClientException(UNREACHABLE, what + ": " + reason, cause);
    }

    /** The HTTP status, or {@link #UNREACHABLE}. */
    public int status() {
        return status;
    }

    /** Whether the request failed a precondition ({@code If-Match}): someone else changed the record. */
    public boolean isConflict() {
        return status == 412 || status == 409;
    }
}
