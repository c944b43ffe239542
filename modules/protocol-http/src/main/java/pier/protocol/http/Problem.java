package pier.protocol.http;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import pier.codec.CodecException;
import pier.query.QueryException;
import pier.resource.ResourceException;

/**
 * An error answered as {@code application/problem+json} (RFC 9457): status, title, what is wrong in
 * {@code detail}, and the attribute or input position concerned in {@code pointer}.
 *
 * @param status  the HTTP status
 * @param detail  what is wrong
 * @param pointer the attribute or position concerned
 */
record Problem(int status, String detail, Optional<String> pointer) {

    static Problem of(int status, String detail) {
        return new Problem(status, detail, Optional.empty());
    }

    static Problem of(ResourceException e) {
        return new Problem(e.kind().httpStatus(), e.getMessage(), e.pointer());
    }

    static Problem of(QueryException e) {
        return new Problem(400, "bad query: " + e.getMessage(), Optional.of("query"));
    }

    static Problem of(CodecException e) {
        return switch (e.kind()) {
            case MALFORMED -> new Problem(400, "malformed body: " + e.getMessage()
                    + (e.offset() >= 0 ? " (at offset " + e.offset() + ")" : ""),
                    e.offset() >= 0 ? Optional.of("offset " + e.offset()) : Optional.empty());
            case TOO_LARGE -> of(413, e.getMessage());
            case UNSUPPORTED_MEDIA_TYPE, UNREPRESENTABLE -> of(406, e.getMessage());
        };
    }

    /** The problem as its JSON document. */
    String json() {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("type", "about:blank")
                .put("title", Status.create(status).reasonPhrase()).put("status", status).put("detail", detail);
        pointer.ifPresent(p -> body.put("pointer", p));
        return body.toString();
    }

    void send(ServerResponse response) {
        Status code = Status.create(status);
        if (status == 401) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"pier\", charset=\"UTF-8\"");
        }
        response.status(code).header(HeaderNames.CONTENT_TYPE, "application/problem+json")
                .send(json().getBytes(StandardCharsets.UTF_8));
    }
}
