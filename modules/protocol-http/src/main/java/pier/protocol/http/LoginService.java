package pier.protocol.http;

import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import pier.resource.ResourceException;
import pier.security.Tokens;

/**
 * {@code POST /$login} with {@code {"user": …, "password": …}} (or Basic credentials) answers
 * {@code {"user", "token", "expiresAt"}} and sets the session cookie (HttpOnly, SameSite=Strict, Secure
 * over HTTPS); {@code POST /$logout} ends the cookie's session and revokes the bearer token it carries.
 */
public final class LoginService implements HttpService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Logins logins;

    public LoginService(Logins logins) {
        this.logins = logins;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/$login", this::login).post("/$logout", this::logout);
    }

    private void login(ServerRequest request, ServerResponse response) {
        try {
            Tokens.Login login = credentials(request);
            response.header(HeaderNames.SET_COOKIE, cookie(login.session(), logins.lifetime().toSeconds(),
                    request.isSecure()));
            response.header(HeaderNames.CACHE_CONTROL, "no-store");
            response.header(HeaderNames.CONTENT_TYPE, "application/json");
            response.send(JsonNodeFactory.instance.objectNode().put("user", login.user()).put("token", login.token())
                    .put("expiresAt", DateTimeFormatter.ISO_INSTANT.format(login.until())).toString());
        } catch (ResourceException e) {
            Problem.of(e).send(response);
        }
    }

    private void logout(ServerRequest request, ServerResponse response) {
        logins.logout(request.headers());
        response.header(HeaderNames.SET_COOKIE, cookie("", 0, request.isSecure()));
        response.status(Status.NO_CONTENT_204).send();
    }

    private Tokens.Login credentials(ServerRequest request) {
        if (request.headers().contains(HeaderNames.AUTHORIZATION)) {
            return logins.login(request.headers(), Logins.client(request.remotePeer()));
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.content().as(byte[].class));
        } catch (java.io.IOException e) {
            throw ResourceException.badRequest("send {\"user\": …, \"password\": …} as JSON", null);
        }
        if (body == null || !body.path("user").isTextual() || !body.path("password").isTextual()) {
            throw ResourceException.badRequest("send {\"user\": …, \"password\": …} as JSON", null);
        }
        return logins.login(body.get("user").asText(), body.get("password").asText(), Logins.client(request.remotePeer()));
    }

    private static String cookie(String value, long maxAgeSeconds, boolean secure) {
        return Logins.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }
}
