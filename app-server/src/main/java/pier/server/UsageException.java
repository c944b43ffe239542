package pier.server;

/** The server was launched with options or configuration it cannot use; the message says which. */
final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
