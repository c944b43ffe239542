package pier.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.mqtt.testing.MqttProbe;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/** Logins: a session cookie for browsers and a signed, expiring bearer token for scripts; logout ends both. */
class LoginIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path folder;
    static ServerProcess server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.startUnderLoad(List.of(), Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--data", folder.resolve("data").toString());
        port = server.awaitReady();
        assertThat(new RestClient(port, "admin", "s3cret").putJson("/Dog/1", "{\"name\":\"Rex\"}").statusCode(), is(204));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aLoginGivesACookieAndATokenThatWorkOnEveryHttpProtocol() throws Exception {
        HttpResponse<String> login = login(port, "admin", "s3cret");
        assertThat(login.statusCode(), is(200));
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie, startsWith("pier_session="));
        assertThat(cookie, containsString("HttpOnly"));
        assertThat(cookie, containsString("SameSite=Strict"));
        assertThat(cookie, containsString("Path=/"));
        String session = cookie.substring(0, cookie.indexOf(';'));
        JsonNode body = RestClient.JSON.readTree(login.body());
        assertThat(body.get("user").asText(), is("admin"));
        String token = body.get("token").asText();

        assertThat(get("/Dog/1", "Cookie", session).statusCode(), is(200));
        assertThat(get("/Dog/1", "Authorization", "Bearer " + token).statusCode(), is(200));
        HttpResponse<java.io.InputStream> events = HTTP.send(HttpRequest.newBuilder(uri("/Dog/1"))
                .header("Cookie", session).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(events.statusCode(), is(200));
        events.body().close();
        WebSocket socket = HTTP.newWebSocketBuilder().header("Cookie", session)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/Dog/1"), new WebSocket.Listener() { })
                .get(10, TimeUnit.SECONDS);
        socket.abort();
        assertThat(login(port, "admin", "wrong").statusCode(), is(401));
        assertThat(get("/Dog/1", "Cookie", "pier_session=made-up").statusCode(), is(401));
    }

    @Test
    void aBasicLoginWorksTooAndLogoutEndsBoth() throws Exception {
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(uri("/$login")).header("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode(), is(200));
        String session = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String token = RestClient.JSON.readTree(login.body()).get("token").asText();

        HttpResponse<String> logout = HTTP.send(HttpRequest.newBuilder(uri("/$logout")).header("Cookie", session)
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(logout.statusCode(), is(204));
        assertThat(logout.headers().firstValue("Set-Cookie").orElseThrow(), containsString("Max-Age=0"));
        assertThat(get("/Dog/1", "Cookie", session).statusCode(), is(401));
        HttpResponse<String> revoked = get("/Dog/1", "Authorization", "Bearer " + token);
        assertThat(revoked.statusCode(), is(401));
        assertThat(revoked.body(), containsString("revoked"));
    }

    @Test
    void aForgedTokenIsRefused() throws Exception {
        String token = RestClient.JSON.readTree(login(port, "admin", "s3cret").body()).get("token").asText();
        String[] parts = token.split("\\.");
        String otherUser = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("\"admin\"", "\"eve\"").getBytes(StandardCharsets.UTF_8));
        assertThat(get("/Dog/1", "Authorization", "Bearer " + parts[0] + "." + otherUser + "." + parts[2]).statusCode(),
                is(401));
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(
                StandardCharsets.UTF_8));
        assertThat(get("/Dog/1", "Authorization", "Bearer " + none + "." + parts[1] + ".").statusCode(), is(401));
        assertThat(get("/Dog/1", "Authorization", "Bearer nonsense").statusCode(), is(401));
    }

    @Test
    void tokensAndSessionsExpire() throws Exception {
        try (ServerProcess shortLived = ServerProcess.startUnderLoad(List.of(),
                Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port",
                "0", "--session-lifetime", "PT2S", "--data", folder.resolve("short").toString())) {
            int shortPort = shortLived.awaitReady();
            HttpResponse<String> login = login(shortPort, "admin", "s3cret");
            String session = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            assertThat(login.headers().firstValue("Set-Cookie").orElseThrow(), containsString("Max-Age=2"));
            String token = RestClient.JSON.readTree(login.body()).get("token").asText();
            URI dogs = URI.create("http://127.0.0.1:" + shortPort + "/Dog/");
            assertThat(send(dogs, "Authorization", "Bearer " + token).statusCode(), is(200));
            await().atMost(Duration.ofSeconds(10)).until(() -> send(dogs, "Authorization", "Bearer " + token)
                    .statusCode() == 401);
            assertThat(send(dogs, "Authorization", "Bearer " + token).body(), containsString("expired"));
            assertThat(send(dogs, "Cookie", session).statusCode(), is(401));
        }
    }

    @Test
    void failedLoginsCloseTheAddressForAWhileOnEveryProtocol() throws Exception {
        try (ServerProcess guarded = ServerProcess.startUnderLoad(List.of(),
                Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--mqtt-port", String.valueOf(ServerProcess.freePort()), "--max-failed-logins", "3",
                // a window wide enough for three slow password checks on a loaded machine
                "--failed-login-window", "PT10S", "--data", folder.resolve("guarded").toString())) {
            int guardedPort = guarded.awaitReady();
            RestClient wrong = new RestClient(guardedPort, "admin", "guess");
            RestClient right = new RestClient(guardedPort, "admin", "s3cret");
            for (int i = 0; i < 3; i++) {
                assertThat(wrong.get("/Dog/", "").statusCode(), is(401));
            }
            HttpResponse<byte[]> closed = right.get("/Dog/", "");
            assertThat(closed.statusCode(), is(429));
            assertThat(new String(closed.body(), StandardCharsets.UTF_8), containsString("too many failed logins"));
            assertThat(login(guardedPort, "admin", "s3cret").statusCode(), is(429));
            org.eclipse.paho.mqttv5.common.MqttException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    org.eclipse.paho.mqttv5.common.MqttException.class, () -> MqttProbe.connect(
                            "tcp://127.0.0.1:" + guarded.mqttPort(), "admin", "s3cret"));
            assertThat(refused.getReasonCode(), is(0x9F)); // connection rate exceeded
            await().atMost(Duration.ofSeconds(20)).until(() -> right.get("/Dog/", "").statusCode() == 200);
            String metrics = new String(right.get("/observe/metrics", "text/plain").body(), StandardCharsets.UTF_8);
            assertThat(metrics.lines().filter(l -> l.startsWith("pier_login_failures_total")).toList().toString(),
                    metrics.lines().anyMatch(l -> l.startsWith("pier_login_failures_total")
                            && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) == 3), is(true));
            assertThat(metrics.lines().anyMatch(l -> l.startsWith("pier_logins_throttled_total")
                    && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 3), is(true));
        }
    }

    @Test
    void aPasswordChangeOrRemovalEndsEveryLoginOfThatUser() throws Exception {
        RestClient admin = new RestClient(port, "admin", "s3cret");
        assertThat(admin.putJson("/$roles/reader", "{\"tables\": {\"Dog\": [\"read\"]}}").statusCode(), is(204));
        assertThat(admin.putJson("/$users/tim", "{\"password\": \"pw1\", \"roles\": [\"reader\"]}").statusCode(),
                is(204));
        HttpResponse<String> first = login(port, "tim", "pw1");
        String token = RestClient.JSON.readTree(first.body()).get("token").asText();
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertThat(get("/Dog/", "Authorization", "Bearer " + token).statusCode(), is(200));
        assertThat(get("/Dog/", "Cookie", cookie).statusCode(), is(200));
        // a change of roles leaves logins alone; a new password ends them at once
        assertThat(admin.putJson("/$users/tim", "{\"roles\": [\"reader\"]}").statusCode(), is(204));
        assertThat(get("/Dog/", "Authorization", "Bearer " + token).statusCode(), is(200));
        assertThat(admin.putJson("/$users/tim", "{\"password\": \"pw2\", \"roles\": [\"reader\"]}").statusCode(),
                is(204));
        assertThat(get("/Dog/", "Authorization", "Bearer " + token).statusCode(), is(401));
        assertThat(get("/Dog/", "Cookie", cookie).statusCode(), is(401));
        // a removed user's token stays dead when the name is made again, even as an admin
        String second = RestClient.JSON.readTree(login(port, "tim", "pw2").body()).get("token").asText();
        assertThat(admin.method("DELETE", "/$users/tim", "application/json", new byte[0]).statusCode(), is(200));
        assertThat(get("/Dog/", "Authorization", "Bearer " + second).statusCode(), is(401));
        assertThat(admin.putJson("/$users/tim", "{\"password\": \"pw2\", \"roles\": [\"admin\"]}").statusCode(),
                is(204));
        assertThat(get("/$users/", "Authorization", "Bearer " + second).statusCode(), is(401));
    }

    @Test
    void anotherUsersLoginDoesNotReopenGuessing() throws Exception {
        try (ServerProcess guarded = ServerProcess.startUnderLoad(List.of(),
                Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--max-failed-logins", "3", "--data", folder.resolve("bypass").toString())) {
            int guardedPort = guarded.awaitReady();
            RestClient admin = new RestClient(guardedPort, "admin", "s3cret");
            assertThat(admin.putJson("/$users/noone", "{\"password\": \"pw\", \"roles\": []}").statusCode(),
                    is(204));
            int refused = 0;
            for (int i = 0; i < 9; i++) {
                refused += new RestClient(guardedPort, "admin", "guess" + i).get("/Dog/", "").statusCode() == 429 ? 1 : 0;
                // a valid login of another user between the guesses
                assertThat(login(guardedPort, "noone", "pw").statusCode(), is(200));
            }
            assertThat("guesses refused with 429", refused >= 6, is(true));
        }
    }

    private static HttpResponse<String> login(int port, String user, String password) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/$login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String header, String value) throws Exception {
        return send(uri(path), header, value);
    }

    private static HttpResponse<String> send(URI uri, String header, String value) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).header(header, value).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
