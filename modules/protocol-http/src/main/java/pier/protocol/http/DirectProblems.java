package pier.protocol.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.DirectHandlers;

/**
 * The answers Helidon gives before routing (a path it cannot decode, a header it cannot parse, a request
 * line over the limit) as problems too, so that every error a client gets has the same shape. A request
 * Helidon could not read leaves the framing of what follows unknown: the connection ends after it.
 */
public final class DirectProblems {

    private DirectProblems() {
    }

    /**
     * The handlers.
     *
     * @return them, for {@code ListenerConfig.Builder.directHandlers(...)}
     */
    public static DirectHandlers handlers() {
        DirectHandler handler = (request, event, status, headers, message) -> DirectHandler.TransportResponse.builder()
                .status(status).headers(headers).header(HeaderNames.CONTENT_TYPE, "application/problem+json")
                .keepAlive(false).entity(Problem.of(status.code(), message == null || message.isBlank()
                        ? status.reasonPhrase() : message).json()).build();
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType event : DirectHandler.EventType.values()) {
            builder.addHandler(event, handler);
        }
        return builder.build();
    }
}
