package pier.protocol.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;

/**
 * Headers on every answer that keep a browser from running what a user stored: a record written as
 * {@code text/html} or {@code image/svg+xml} is served back as those bytes, on the server's own origin,
 * where a script in it would act with the reader's login. No answer of an API needs to be rendered: the
 * content type is taken as given ({@code nosniff}), and a policy forbids every script, style, frame and
 * connection and sandboxes the document. Opaque records are also sent as attachments
 * ({@link Exchange}), so a browser saves rather than shows them.
 */
public final class SafeResponses {

    private static final HeaderName CONTENT_TYPE_OPTIONS = HeaderNames.create("X-Content-Type-Options");
    private static final HeaderName CONTENT_SECURITY_POLICY = HeaderNames.create("Content-Security-Policy");
    static final String POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

    private SafeResponses() {
    }

    /**
     * The filter.
     *
     * @return it, for {@code HttpRouting.Builder.addFilter(...)}
     */
    public static Filter filter() {
        return (chain, request, response) -> {
            response.header(CONTENT_TYPE_OPTIONS, "nosniff").header(CONTENT_SECURITY_POLICY, POLICY);
            chain.proceed();
        };
    }
}
