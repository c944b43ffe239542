package pier.server;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/** CORS is off unless origins are configured, and then allows exactly those. */
class CorsIT {

    @TempDir
    Path folder;

    @Test
    void offByDefault() throws Exception {
        try (InProcessServer server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "p"), "--http-port", "0",
                "--data", folder.resolve("data").toString())) {
            RestClient client = new RestClient(server.awaitReady(), "admin", "p");
            HttpResponse<byte[]> response = client.send(client.request("/Dog/").header("Origin", "https://app.example"));
            assertThat(response.statusCode(), is(200));
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin").isPresent(), is(false));
        }
    }

    @Test
    void allowsTheConfiguredOriginsOnly() throws Exception {
        try (InProcessServer server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "p",
                "PIER_CORS_ORIGINS", "https://app.example"), "--http-port", "0",
                "--data", folder.resolve("data").toString())) {
            RestClient client = new RestClient(server.awaitReady(), "admin", "p");
            HttpResponse<byte[]> allowed = client.send(client.request("/Dog/").header("Origin", "https://app.example"));
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin").orElseThrow(),
                    is("https://app.example"));
            HttpResponse<byte[]> preflight = client.send(client.request("/Dog/1").header("Origin", "https://app.example")
                    .header("Access-Control-Request-Method", "PUT")
                    .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
            assertThat(String.join(",", preflight.headers().allValues("Access-Control-Allow-Methods")),
                    containsString("PUT"));
            HttpResponse<byte[]> foreign = client.send(client.request("/Dog/").header("Origin", "https://evil.example"));
            assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin").isPresent(), is(false));
        }
    }
}
