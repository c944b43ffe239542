package pier.resource;

import java.util.Optional;

/**
 * The one exception family of resources; its {@link Kind} maps to each protocol's answer (HTTP status,
 * MQTT reason code).
 */
public final class ResourceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, in protocol-neutral terms. */
    public enum Kind {
        BAD_REQUEST(400), UNAUTHORIZED(401), FORBIDDEN(403), NOT_FOUND(404), METHOD_NOT_ALLOWED(405),
        NOT_ACCEPTABLE(406), CONFLICT(409), PRECONDITION_FAILED(412), TOO_LARGE(413), UNSUPPORTED_MEDIA_TYPE(415),
        TOO_MANY_REQUESTS(429), UNAVAILABLE(503);

        private final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /**
         * The HTTP status this kind answers with.
         *
         * @return the status code
         */
        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Kind kind;
    private final String pointer;

    /**
     * Creates the exception.
     *
     * @param kind    what went wrong
     * @param message what exactly, for the caller
     * @param pointer the attribute (or input position) concerned, or null
     * @param cause   the underlying exception, or null
     */
    public ResourceException(Kind kind, String message, String pointer, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.pointer = pointer;
    }

    public static ResourceException badRequest(String message, String pointer) {
        return new ResourceException(Kind.BAD_REQUEST, message, pointer, null);
    }

    public static ResourceException notFound(String message) {
        return new ResourceException(Kind.NOT_FOUND, message, null, null);
    }

    public static ResourceException methodNotAllowed(String operation) {
        return new ResourceException(Kind.METHOD_NOT_ALLOWED, "this resource does not support " + operation, null,
                null);
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The attribute or input position the problem is about.
     *
     * @return e.g. {@code age}, or empty
     */
    public Optional<String> pointer() {
        return Optional.ofNullable(pointer);
    }
}
