package pier.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.mqtt.testing.MqttProbe;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Presence as data: {@code $connections} over REST, Server-Sent Events, WebSocket and MQTT, with a real
 * device (Debian's mosquitto_sub) that connects with a will and vanishes (SIGKILL), permissions by role,
 * and the counters and metrics per protocol.
 */
class ConnectionsIT {

    private static final String SCHEMA = "type Dog @table @export { id: ID @primaryKey  name: String }\n";

    @TempDir
    static Path folder;
    static InProcessServer server;
    static int port;
    static int mqttPort;
    static RestClient admin;

    @BeforeAll
    static void start() throws Exception {
        Path schema = folder.resolve("schema.graphql");
        Files.writeString(schema, SCHEMA);
        // an event stream whose client left is noticed at its next write: a keep-alive each second
        Path config = Files.writeString(folder.resolve("pier-config.yaml"), "http:\n  sse:\n    keepAlive: PT1S\n");
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--config", config.toString(),
                "--mqtt-port", String.valueOf(ServerProcess.freePort()), "--schema", schema.toString(),
                "--data", folder.resolve("data").toString());
        port = server.awaitReady();
        mqttPort = server.mqttPort();
        admin = new RestClient(port, "admin", "s3cret");
        ok(admin.putJson("/$roles/operator", "{\"tables\": {\"$connections\": [\"read\"], \"Dog\": [\"read\"]}}"));
        ok(admin.putJson("/$roles/reader", "{\"tables\": {\"Dog\": [\"read\"]}}"));
        ok(admin.putJson("/$users/ops", "{\"password\": \"pw-ops\", \"roles\": [\"operator\"]}"));
        ok(admin.putJson("/$users/ann", "{\"password\": \"pw-ann\", \"roles\": [\"reader\"]}"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aDeviceThatVanishesIsSeenLeavingWithItsWill() throws Exception {
        try (EventLines presence = EventLines.open(port, "admin", "s3cret", "/$connections/");
             MqttProbe status = MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "admin", "s3cret")) {
            assertThat(status.subscribe("devices/+/status"), is(1));
            Process device = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(mqttPort),
                    "-u", "admin", "-P", "s3cret", "-i", "device-7", "-t", "Dog/#", "-q", "1",
                    "--will-topic", "devices/device-7/status", "--will-payload", "offline", "--will-qos", "1")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                JsonNode online = event(presence, e -> e.at("/value/clientId").asText().equals("device-7")
                        && e.at("/value/subscriptions/0").asText().equals("Dog/#"));
                assertThat(online.at("/value/protocol").asText(), is("mqtt"));
                assertThat(online.at("/value/user").asText(), is("admin"));
                assertThat(online.at("/value/will/topic").asText(), is("devices/device-7/status"));
                assertThat(online.at("/value/remoteAddress").asText().contains("127.0.0.1"), is(true));
                String id = online.get("id").asText();
                // while it is there, it is a record
                assertThat(RestClient.json(admin.get("/$connections/" + id, "application/json"))
                        .get("clientId").asText(), is("device-7"));

                device.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no DISCONNECT
                JsonNode last = event(presence, e -> e.get("id").asText().equals(id));
                assertThat(last.get("type").asText(), is("put"));
                assertThat(last.at("/value/disconnected").asText(), is("connection lost"));
                assertThat(last.at("/value/willDue").asBoolean(), is(true));
                JsonNode gone = event(presence, e -> e.get("id").asText().equals(id));
                assertThat(gone.get("type").asText(), is("delete"));
                MqttProbe.Received will = status.next(10_000);
                assertThat("the will", will, notNullValue());
                assertThat(will.payload(), is("offline"));
                assertThat(admin.get("/$connections/" + id, "application/json").statusCode(), is(404));
            } finally {
                device.destroyForcibly();
            }
        }
    }

    @Test
    void mqttAndWebSocketSubscribersSeeConnectionsOpenAndEnd() throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket watcher = webSocket("/$connections/?protocol=sse", frames);
        try (MqttProbe probe = MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "ops", "pw-ops")) {
            assertThat(probe.subscribe("$connections/#"), is(1));
            String id;
            // the current connections come first, as retained messages: this one among them
            MqttProbe.Received self = nextMatching(probe, r -> r.retained() && r.payload().contains("\"ops\""));
            assertThat(self.topic().startsWith("$connections/"), is(true));

            try (EventLines stream = EventLines.open(port, "ann", "pw-ann", "/Dog/")) {
                stream.until("event: synced");
                // opened, then subscribed to its path
                MqttProbe.Received opened = nextMatching(probe, r -> r.payload().contains("\"sse\"")
                        && r.payload().contains("\"ann\"") && r.payload().contains("\"subscriptions\":[\"/Dog/\"]"));
                id = opened.topic().substring("$connections/".length());
                JsonNode seen = frame(frames, e -> e.get("id").asText().equals(id));
                assertThat(seen.get("type").asText(), is("put"));
                assertThat(seen.at("/value/user").asText(), is("ann"));
            }
            // the stream's end (seen at its next keep-alive or event): its last state, then an empty message
            String topic = "$connections/" + id;
            assertThat(nextMatching(probe, r -> r.topic().equals(topic)).payload().contains("\"disconnected\""),
                    is(true));
            assertThat(nextMatching(probe, r -> r.topic().equals(topic)).payload(), is(""));
            assertThat(frame(frames, e -> e.get("id").asText().equals(id) && e.at("/value/disconnected").isTextual())
                    .at("/value/user").asText(), is("ann"));
            assertThat(frame(frames, e -> e.get("id").asText().equals(id)).get("type").asText(), is("delete"));
            // MQTT over WebSocket is a protocol of its own
            try (MqttProbe overWebSocket = MqttProbe.connect("ws://127.0.0.1:" + port + "/mqtt", "ann", "pw-ann")) {
                assertThat(overWebSocket.sessionPresent(), is(false));
                assertThat(nextMatching(probe, r -> r.payload().contains("\"ann\"")).payload()
                        .contains("\"protocol\":\"mqtt-ws\""), is(true));
            }
        } finally {
            watcher.abort();
        }
    }

    @Test
    void onlyWhoIsGrantedItSeesConnectionsAndWildcardsLeaveThemOut() throws Exception {
        assertThat(admin.get("/$connections/", "application/json").statusCode(), is(200));
        assertThat(new RestClient(port, "ops", "pw-ops").get("/$connections/", "application/json").statusCode(),
                is(200));
        assertThat(new RestClient(port, "ann", "pw-ann").get("/$connections/", "application/json").statusCode(),
                is(403));
        assertThat(LiveSockets.eventStream(port, "ann", "pw-ann", "/$connections/").statusCode(), is(403));
        assertThat(LiveSockets.webSocket(port, "ann", "pw-ann", "/$connections/", new java.util.ArrayList<>()),
                is(403));
        try (MqttProbe ann = MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "ann", "pw-ann");
             MqttProbe everything = MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "admin", "s3cret")) {
            assertThat(ann.subscribe("$connections/#"), is(0x87));
            // MQTT-4.7.2-1: a filter starting with a wildcard does not match topics starting with $
            assertThat(everything.subscribe("#"), is(1));
            MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "ops", "pw-ops").close();
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> {
                MqttProbe.Received any = everything.next(0);
                return any == null || !any.topic().startsWith("$");
            });
        }
    }

    @Test
    void aWatcherWhoseRoleLosesTheRightIsCutOff() throws Exception {
        ok(admin.putJson("/$roles/watcher", "{\"tables\": {\"$connections\": [\"read\"]}}"));
        ok(admin.putJson("/$users/wes", "{\"password\": \"pw-wes\", \"roles\": [\"watcher\"]}"));
        try (EventLines presence = EventLines.open(port, "wes", "pw-wes", "/$connections/")) {
            presence.until("event: synced");
            ok(admin.putJson("/$roles/watcher", "{\"tables\": {}}"));
            presence.until("event: error");
            assertThat(presence.data(), org.hamcrest.Matchers.containsString("wes may no longer read $connections"));
        }
    }

    @Test
    void countersAndMetricsPerProtocolMoveWithTheTraffic() throws Exception {
        double before = metric("pier_protocol_messages_received_total", "mqtt");
        long bytesBefore = perProtocol().at("/mqtt/bytesIn").asLong();
        try (MqttProbe publisher = MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "admin", "s3cret")) {
            for (int i = 0; i < 20; i++) {
                // accepted: 0, or 16 (v5: no matching subscribers)
                assertThat(publisher.publish("plain/counted", "0123456789", false), lessThan(0x80));
            }
            assertThat(metric("pier_protocol_connections", "mqtt"), greaterThan(0.0));
            assertThat(metric("pier_protocol_messages_received_total", "mqtt"), greaterThan(before + 19));
            assertThat(perProtocol().at("/mqtt/bytesIn").asLong(), greaterThan(bytesBefore + 199));
        }
        // what the connection moved is still counted after it ended
        assertThat(metric("pier_protocol_messages_received_total", "mqtt"), greaterThan(before + 19));
        for (String name : List.of("pier_protocol_connections_opened_total", "pier_protocol_messages_sent_total",
                "pier_protocol_received_bytes_total", "pier_protocol_sent_bytes_total",
                "pier_protocol_queued_messages", "pier_protocol_messages_dropped_total")) {
            for (String protocol : List.of("mqtt", "mqtt-ws", "websocket", "sse")) {
                metric(name, protocol); // exposed for every protocol
            }
        }
    }

    private static JsonNode perProtocol() {
        return RestClient.json(admin.get("/$connections", "application/json")).get("protocols");
    }

    private static double metric(String name, String protocol) {
        String text = new String(admin.get("/observe/metrics", "text/plain").body(), StandardCharsets.UTF_8);
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("(?m)^" + name + "\\{[^}]*protocol=\""
                + protocol + "\"[^}]*} ([0-9.E+-]+)$").matcher(text);
        assertThat(name + " of " + protocol + " is exposed", line.find(), is(true));
        return Double.parseDouble(line.group(1));
    }

    private static JsonNode event(EventLines lines, Predicate<JsonNode> wanted) throws InterruptedException {
        while (true) {
            String data = lines.data();
            JsonNode event = RestClient.read(RestClient.JSON, data.substring("data: ".length())
                    .getBytes(StandardCharsets.UTF_8));
            if (event.has("id") && wanted.test(event)) {
                return event;
            }
        }
    }

    private static MqttProbe.Received nextMatching(MqttProbe probe, Predicate<MqttProbe.Received> wanted)
            throws InterruptedException {
        while (true) {
            MqttProbe.Received received = probe.next(10_000);
            assertThat("a message", received, notNullValue());
            if (wanted.test(received)) {
                return received;
            }
        }
    }

    private static JsonNode frame(BlockingQueue<String> frames, Predicate<JsonNode> wanted) throws InterruptedException {
        while (true) {
            String text = frames.poll(10, TimeUnit.SECONDS);
            assertThat("a frame", text, notNullValue());
            JsonNode event = RestClient.read(RestClient.JSON, text.getBytes(StandardCharsets.UTF_8));
            if (event.has("id") && !event.get("id").asText().isEmpty() && wanted.test(event)) {
                return event;
            }
        }
    }

    private static WebSocket webSocket(String path, BlockingQueue<String> frames) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", RestClient.basic("ops", "pw-ops"))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + path), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            frames.add(text.toString());
                            text.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    private static void ok(java.net.http.HttpResponse<byte[]> response) {
        assertThat(new String(response.body(), StandardCharsets.UTF_8), response.statusCode() / 100, is(2));
    }
}
