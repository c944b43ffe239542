package pier.server;

import pier.mqtt.testing.RawMqtt;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every transport and every way a client ends: a vanished socket, a client that falls silent (keep-alive
 * expiry), a clean DISCONNECT, a stream that goes away. Each connection is reaped once, its will is sent
 * as MQTT says, nothing is logged with a stack trace, and a SIGTERM with every kind of connection open,
 * stalled ones included, exits 0 within 10 s and keeps every acknowledged write.
 */
class AbruptEndsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path folder;

    private ServerProcess start() throws Exception {
        // an event stream learns that its client vanished when it next writes: a keep-alive comment each second
        Path config = folder.resolve("pier-config.yaml");
        java.nio.file.Files.writeString(config, "http:\n  sse:\n    keepAlive: PT1S\n");
        return ServerProcess.startUnderLoad(List.of(),
                Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--config", config.toString(),
                "--http-port", "0",
                "--mqtt-port", String.valueOf(ServerProcess.freePort()),
                "--mqtts-port", String.valueOf(ServerProcess.freePort()),
                "--max-connections-per-user", "1", "--data", folder.resolve("data").toString());
    }

    private static int port(RawMqtt.Transport transport, ServerProcess server, int http) {
        return switch (transport) {
            case TCP -> server.mqttPort();
            case TLS -> server.mqttsPort();
            case WEBSOCKET -> http;
        };
    }

    @ParameterizedTest
    @EnumSource(RawMqtt.Transport.class)
    void everyMqttTransportReapsEveryEndingOnceAndSendsWillsAsTheProtocolSays(RawMqtt.Transport transport)
            throws Exception {
        try (ServerProcess server = start()) {
            int http = server.awaitReady();
            RestClient admin = new RestClient(http, "admin", "s3cret");
            int port = port(transport, server, http);
            String name = transport.name().toLowerCase();
            // a will on a record topic is a retained publish: it writes the record
            try (RawMqtt vanishing = RawMqtt.connect(transport, port, name + "-v", 60, "Dog/" + name + "-vanished",
                    "{\"name\":\"gone\"}");
                 RawMqtt silent = RawMqtt.connect(transport, port, name + "-s", 1, "Dog/" + name + "-silent",
                         "{\"name\":\"quiet\"}");
                 RawMqtt polite = RawMqtt.connect(transport, port, name + "-d", 60, "Dog/" + name + "-polite",
                         "{\"name\":\"never\"}")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> connections(admin) == 3);
                vanishing.vanish();
                polite.disconnect();
                // the silent one sends nothing more: 1.5 x its keep-alive of 1 s reaps it
                await().atMost(Duration.ofSeconds(15)).until(() -> connections(admin) == 0);
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        admin.get("/Dog/" + name + "-vanished", "application/json").statusCode() == 200
                        && admin.get("/Dog/" + name + "-silent", "application/json").statusCode() == 200);
                assertThat(RestClient.json(admin.get("/Dog/" + name + "-silent", "application/json")).get("name")
                        .asText(), is("quiet"));
                assertThat(admin.get("/Dog/" + name + "-polite", "application/json").statusCode(), is(404));
                // a change of roles reaches every live connection, and none of the ended ones breaks it
                assertThat(admin.putJson("/$roles/reader", "{\"tables\": {\"Dog\": [\"read\"]}}").statusCode(), is(204));
            }
            assertQuietLog(server);
        }
    }

    @Test
    void streamsThatVanishGiveBackTheirPlaceAndLogNothing() throws Exception {
        try (ServerProcess server = start()) {
            int http = server.awaitReady();
            RestClient admin = new RestClient(http, "admin", "s3cret");
            assertThat(admin.putJson("/$roles/reader", "{\"tables\": {\"Dog\": [\"read\"]}}").statusCode(), is(204));
            assertThat(admin.putJson("/$users/ann", "{\"password\": \"pw\", \"roles\": [\"reader\"]}").statusCode(),
                    is(204));
            for (int round = 0; round < 3; round++) {
                // ann may hold one connection: each stream must be given back for the next to open
                await().atMost(Duration.ofSeconds(10)).until(() -> eventStreamOpens(http, "ann:pw"));
                assertThat(admin.putJson("/Dog/e" + round, "{\"name\":\"after\"}").statusCode(), is(204));
                await().atMost(Duration.ofSeconds(10)).until(() -> eventStreamOpens(http, "ann:pw"));
                WebSocket[] socket = new WebSocket[1];
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                        (socket[0] = webSocket(http, "ann:pw", "/Dog/")) != null);
                socket[0].abort();
                await().atMost(Duration.ofSeconds(10)).until(() -> eventStreamOpens(http, "ann:pw"));
            }
            // a REST client that reads the first bytes of a large collection and vanishes
            String big = "{\"name\":\"" + "x".repeat(4_000) + "\"}";
            for (int i = 0; i < 1_000; i++) {
                assertThat(admin.putJson("/Dog/big" + i, big).statusCode(), is(204));
            }
            for (int i = 0; i < 10; i++) {
                try (Socket socket = new Socket("127.0.0.1", http)) {
                    socket.getOutputStream().write(("GET /Dog/ HTTP/1.1\r\nHost: x\r\nAuthorization: "
                            + basic("admin:s3cret") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    assertThat(socket.getInputStream().readNBytes(100).length, is(100));
                    socket.setSoLinger(true, 0);
                }
            }
            assertThat(admin.get("/Dog/big1", "application/json").statusCode(), is(200));
            assertQuietLog(server);
        }
    }

    @Test
    void aThousandClientsThatConnectAndVanishLeaveFewerThanAHundredLogLines() throws Exception {
        try (ServerProcess server = start()) {
            int http = server.awaitReady();
            RestClient admin = new RestClient(http, "admin", "s3cret");
            int before = server.stderr().size();
            for (int i = 0; i < 250; i++) {
                RawMqtt.connect(RawMqtt.Transport.TCP, server.mqttPort(), "tcp" + i, 60, null, null).vanish();
                RawMqtt.connect(RawMqtt.Transport.WEBSOCKET, http, "ws" + i, 60, null, null).vanish();
                eventStream(http, "admin:s3cret", "/Dog/").body().close();
                webSocket(http, "admin:s3cret", "/Dog/").abort();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> connections(admin) == 0);
            List<String> lines = server.stderr().subList(before, server.stderr().size());
            assertThat(String.join("\n", lines.subList(0, Math.min(20, lines.size()))), lines.size(), lessThan(100));
            assertQuietLog(server);
        }
    }

    @Test
    void sigtermWithEveryKindOfConnectionOpenExitsInTimeAndKeepsAcknowledgedWrites() throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        int acknowledged = 0;
        try (ServerProcess server = start()) {
            int http = server.awaitReady();
            RestClient admin = new RestClient(http, "admin", "s3cret");
            openEveryKindOfConnection(server, http, open);
            // enough changes to fill the stalled clients' socket buffers
            String big = "x".repeat(4_000);
            for (; acknowledged < 400; acknowledged++) {
                assertThat(admin.putJson("/Dog/k" + acknowledged, "{\"name\":\"" + big + "\"}").statusCode(), is(204));
            }
            long start = System.nanoTime();
            assertThat(server.terminate(), is(0));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), lessThan(10_000L));
            assertQuietLog(server);
        } finally {
            for (AutoCloseable connection : open) {
                try {
                    connection.close();
                } catch (Exception e) {
                    // the server is gone
                }
            }
        }
        try (ServerProcess again = start()) {
            int http = again.awaitReady();
            RestClient admin = new RestClient(http, "admin", "s3cret");
            assertThat(RestClient.json(admin.get("/Dog/", "application/json")).size(), is(acknowledged));
        }
    }

    // stalled, idle and half-open connections on every transport
    private static void openEveryKindOfConnection(ServerProcess server, int http, List<AutoCloseable> open)
            throws Exception {
        // stalled: subscribed to every change, never reading
        RawMqtt stalledTcp = RawMqtt.connect(RawMqtt.Transport.TCP, server.mqttPort(), "stalled-tcp", 0, null, null);
        stalledTcp.subscribe("Dog/#");
        open.add(stalledTcp);
        RawMqtt stalledWs = RawMqtt.connect(RawMqtt.Transport.WEBSOCKET, http, "stalled-ws", 0, null, null);
        stalledWs.subscribe("Dog/#");
        open.add(stalledWs);
        open.add(RawMqtt.connect(RawMqtt.Transport.TLS, server.mqttsPort(), "idle-tls", 0, null, null));
        open.add(eventStream(http, "admin:s3cret", "/Dog/").body());
        WebSocket plain = webSocket(http, "admin:s3cret", "/Dog/");
        open.add(plain::abort);
        // half-open: a request that never finishes, and a socket that never sends a byte
        Socket partial = new Socket("127.0.0.1", http);
        partial.getOutputStream().write("GET /Dog/ HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        open.add(partial);
        open.add(new Socket("127.0.0.1", http));
        open.add(new Socket("127.0.0.1", server.mqttPort()));
    }

    private static long connections(RestClient admin) {
        String metrics = new String(admin.get("/observe/metrics", "text/plain").body(), StandardCharsets.UTF_8);
        return metrics.lines().filter(line -> line.startsWith("pier_mqtt_connections{")).findFirst()
                .map(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).orElse(-1L);
    }

    private static HttpResponse<InputStream> eventStream(int port, String credentials, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/event-stream").header("Authorization", basic(credentials)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    private static boolean eventStreamOpens(int port, String credentials) throws Exception {
        HttpResponse<InputStream> response = eventStream(port, credentials, "/Dog/");
        response.body().close();
        return response.statusCode() == 200;
    }

    private static WebSocket webSocket(int port, String credentials, String path) throws Exception {
        return HTTP.newWebSocketBuilder().header("Authorization", basic(credentials))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + path), new WebSocket.Listener() { })
                .get(10, TimeUnit.SECONDS);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /** A client ending is ordinary: no warning, no error, no stack trace. */
    private static void assertQuietLog(ServerProcess server) {
        List<String> noise = server.problems();
        assertThat(String.join("\n", noise), noise.size(), is(0));
    }
}
