package pier.protocol.http;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

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

    void send(ServerResponse response) {
        Status code = Status.create(status);
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("type", "about:blank")
                .put("title", code.reasonPhrase()).put("status", status).put("detail", detail);
        pointer.ifPresent(p -> body.put("pointer", p));
        response.status(code).header(HeaderNames.CONTENT_TYPE, "application/problem+json")
                .send(body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
