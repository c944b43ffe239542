package pier.protocol.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import pier.codec.CodecLimits;
import pier.codec.CodecRegistry;
import pier.resource.Principal;
import pier.resource.ResourceRegistry;
import pier.security.Authenticator;
import pier.security.Tokens;
import pier.security.UserQuota;

/**
 * The REST protocol in this test's JVM, on port 0, over a resource of the test's ({@link Notes}) and
 * one user ({@code ann}, password {@code pw}): what needs no process boundary is tested without one.
 */
final class HttpHarness implements BeforeAllCallback, AfterAllCallback {

    static final String USER = "ann";
    static final String PASSWORD = "pw";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private WebServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        CodecRegistry codecs = CodecRegistry.load(CodecLimits.DEFAULT);
        ResourceRegistry resources = new ResourceRegistry();
        resources.register("notes", new Notes(codecs.forContentType("application/cbor").orElseThrow()));
        Logins logins = new Logins(Tokens.create(new OneUser(), Duration.ofMinutes(5)));
        RestService rest = new RestService(resources, codecs, logins, UserQuota.NONE, new pier.resource.Connections(),
                CodecLimits.DEFAULT.maxBytes(),
                Duration.ofSeconds(15));
        server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(routing -> routing.register("/", new LoginService(logins)).register("/", rest))
                .build().start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.stop();
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
    }

    HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Accepts {@value #USER} with {@value #PASSWORD}, and nobody without credentials. */
    private static final class OneUser implements Authenticator {
        @Override
        public Optional<Principal> authenticate(String user, String password) {
            return USER.equals(user) && PASSWORD.equals(password) ? Optional.of(new Principal(user, false))
                    : Optional.empty();
        }

        @Override
        public boolean allowsAnonymous() {
            return false;
        }
    }
}
