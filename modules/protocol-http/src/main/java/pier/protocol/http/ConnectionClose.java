package pier.protocol.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;

/**
 * Honours a client's {@code Connection: close} (RFC 9112 9.6): Helidon 4.5 answers with the same header
 * but keeps the socket open until its idle time-out; after the answer this filter ends the connection.
 */
public final class ConnectionClose {

    private ConnectionClose() {
    }

    /**
     * The filter.
     *
     * @return it, for {@code HttpRouting.Builder.addFilter(...)}
     */
    public static Filter filter() {
        return (chain, request, response) -> {
            boolean close = request.headers().first(HeaderNames.CONNECTION)
                    .filter(value -> value.toLowerCase(java.util.Locale.ROOT).contains("close")).isPresent();
            chain.proceed();
            if (close && response.isSent()) {
                throw new CloseConnectionException("the client asked to close the connection");
            }
        };
    }
}
