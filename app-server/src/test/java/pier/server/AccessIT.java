package pier.server;

import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.mqtt.testing.MqttProbe;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * Permissions on every protocol: role × table × verb × protocol (REST, MQTT over TCP, MQTT over
 * WebSocket, WebSocket, Server-Sent Events). Every allowed call works; every refused one is refused the
 * protocol's way and leaves the data as it was.
 */
class AccessIT {

    private static final String SCHEMA = """
            type Dog @table @export { id: ID @primaryKey  name: String }
            type Cat @table @export { id: ID @primaryKey  name: String }
            """;

    /** Each user's role, and what it may do with Dog. */
    private enum Who {
        ANN("reader", Set.of("read")), WES("writer", Set.of("read", "insert", "update", "delete")),
        NOX("nothing", Set.of());

        final String role;
        final Set<String> allowed;

        Who(String role, Set<String> allowed) {
            this.role = role;
            this.allowed = allowed;
        }

        String user() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private enum Protocol { REST, MQTT, MQTT_WEBSOCKET }

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
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--mqtt-port", String.valueOf(ServerProcess.freePort()), "--schema", schema.toString(),
                "--anonymous-role", "public", "--data", folder.resolve("data").toString());
        port = server.awaitReady();
        mqttPort = server.mqttPort();
        admin = new RestClient(port, "admin", "s3cret");
        ok(admin.putJson("/$roles/reader", "{\"tables\": {\"Dog\": [\"read\"]}}"));
        ok(admin.putJson("/$roles/writer", "{\"tables\": {\"Dog\": [\"read\", \"insert\", \"update\", \"delete\"]}}"));
        ok(admin.putJson("/$roles/public", "{\"tables\": {\"Cat\": [\"read\"]}}"));
        ok(admin.putJson("/$roles/sensor", "{\"topics\": [{\"filter\": \"sensors/%u/#\", \"publish\": true,"
                + " \"subscribe\": true}]}"));
        for (Who who : Who.values()) {
            ok(admin.putJson("/$users/" + who.user(), "{\"password\": \"pw-" + who.user() + "\", \"roles\": [\""
                    + who.role + "\"]}"));
        }
        ok(admin.putJson("/$users/sam", "{\"password\": \"pw-sam\", \"roles\": [\"sensor\"]}"));
        ok(admin.putJson("/Dog/m1", "{\"name\": \"M1\"}"));
        ok(admin.putJson("/Cat/c1", "{\"name\": \"C1\"}"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void everyRoleVerbAndProtocol() throws Exception {
        for (Protocol protocol : Protocol.values()) {
            for (Who who : Who.values()) {
                String tag = who.user() + "-" + protocol.name().toLowerCase(java.util.Locale.ROOT);
                ok(admin.putJson("/Dog/upd-" + tag, "{\"name\": \"before\"}"));
                ok(admin.putJson("/Dog/del-" + tag, "{\"name\": \"before\"}"));
                Map<String, Boolean> done = protocol == Protocol.REST ? rest(who, tag) : mqtt(who, tag,
                        protocol == Protocol.MQTT ? "tcp://127.0.0.1:" + mqttPort : "ws://127.0.0.1:" + port + "/mqtt");
                for (String verb : List.of("read", "insert", "update", "delete")) {
                    assertThat(protocol + " " + who + " " + verb, done.get(verb), is(who.allowed.contains(verb)));
                }
                // what was refused left the data as it was; what was allowed happened
                assertThat(tag + " insert", admin.get("/Dog/ins-" + tag, "").statusCode(),
                        is(who.allowed.contains("insert") ? 200 : 404));
                assertThat(tag + " update", RestClient.json(admin.get("/Dog/upd-" + tag, "")).get("name").asText(),
                        is(who.allowed.contains("update") ? "after" : "before"));
                assertThat(tag + " delete", admin.get("/Dog/del-" + tag, "").statusCode(),
                        is(who.allowed.contains("delete") ? 404 : 200));
            }
        }
    }

    @Test
    void webSocketsAndEventStreamsAreRefusedBeforeTheyOpen() throws Exception {
        for (Who who : Who.values()) {
            boolean mayRead = who.allowed.contains("read");
            HttpResponse<Stream<String>> events = eventStream(who, "/Dog/");
            assertThat(who + " SSE", events.statusCode(), is(mayRead ? 200 : 403));
            events.body().close();
            Object socket = openWebSocket(who, "/Dog/m1", new CopyOnWriteArrayList<>());
            if (mayRead) {
                assertThat(who + " WebSocket", socket, instanceOf(WebSocket.class));
                ((WebSocket) socket).abort();
            } else {
                assertThat(who + " WebSocket", socket, is(403));
            }
        }
        assertThat(eventStream(null, "/Dog/").statusCode(), is(401));
        assertThat(openWebSocket(null, "/Dog/m1", new CopyOnWriteArrayList<>()), is(401));
    }

    @Test
    void webSocketMessagesNeedUpdateAndMqtt311RefusalsUse0x80() throws Exception {
        try (MqttProbe watcher = MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "admin", "s3cret")) {
            assertThat(watcher.subscribe("Dog/frames"), is(1));
            WebSocket reader = (WebSocket) openWebSocket(Who.ANN, "/Dog/frames", new CopyOnWriteArrayList<>());
            WebSocket writer = (WebSocket) openWebSocket(Who.WES, "/Dog/frames", new CopyOnWriteArrayList<>());
            try {
                reader.sendText("{\"from\": \"ann\"}", true).get(10, TimeUnit.SECONDS);
                writer.sendText("{\"from\": \"wes\"}", true).get(10, TimeUnit.SECONDS);
                MqttProbe.Received received = watcher.next(10_000);
                assertThat(received.payload(), containsString("wes"));
                // the reader's frame was dropped, not delayed
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> watcher.next(0) == null);
            } finally {
                reader.abort();
                writer.abort();
            }
        }
        org.eclipse.paho.client.mqttv3.MqttClient v311 = new org.eclipse.paho.client.mqttv3.MqttClient(
                "tcp://127.0.0.1:" + mqttPort, "v311-" + java.util.UUID.randomUUID(),
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        options.setUserName("nox");
        options.setPassword("pw-nox".toCharArray());
        v311.connect(options);
        try {
            assertThat(v311.subscribeWithResponse("Dog/m1", 1).getGrantedQos()[0], is(0x80));
        } finally {
            v311.disconnect();
            v311.close();
        }
    }

    @Test
    void aWildcardSubscriberReceivesOnlyWhatItMayRead() throws Exception {
        try (MqttProbe ann = MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "ann", "pw-ann")) {
            assertThat(ann.subscribe("#"), is(1));
            assertThat(ann.subscribe("Cat/#"), is(0x87));
            assertThat(ann.subscribe("sensors/#"), is(0x87));
            ok(admin.putJson("/Cat/wild", "{\"name\": \"secret cat\"}"));
            ok(admin.putJson("/Dog/wild", "{\"name\": \"visible dog\"}"));
            MqttProbe.Received received;
            do {
                received = ann.next(10_000);
                assertThat("a message for #", received, notNullValue());
                assertThat(received.topic().startsWith("Cat/"), is(false));
            } while (!received.topic().equals("Dog/wild"));
        }
    }

    @Test
    void plainTopicsFollowTheRolesFiltersAndRefusalsAreCounted() throws Exception {
        long deniedBefore = denied();
        try (MqttProbe sam = MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "sam", "pw-sam")) {
            assertThat(sam.subscribe("sensors/sam/#"), is(1));
            assertThat(sam.subscribe("sensors/#"), is(0x87));
            assertThat(sam.subscribe("Dog/#"), is(0x87));
            assertThat(sam.publish("sensors/sam/temp", "21", false), is(0));
            assertThat(sam.next(10_000).topic(), is("sensors/sam/temp"));
            assertThat(sam.publish("sensors/bob/temp", "21", false), is(0x87));
            sam.publishQos0("sensors/bob/temp", "22");
            assertThat(sam.publish("Dog/sam", "{\"name\":\"x\"}", true), is(0x87));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> denied() >= deniedBefore + 5);
        assertThat(admin.get("/Dog/sam", "").statusCode(), is(404));
    }

    @Test
    void aDurableSessionBelongsToItsUser() throws Exception {
        String uri = "tcp://127.0.0.1:" + mqttPort;
        try (MqttProbe owner = MqttProbe.connect(uri, "admin", "s3cret", "adm-sess", 3600, true)) {
            assertThat(owner.subscribe("Cat/#"), is(1));
        }
        // another user with the same client id neither resumes the session nor gets what it holds
        MqttException resumed = org.junit.jupiter.api.Assertions.assertThrows(MqttException.class,
                () -> MqttProbe.connect(uri, "ann", "pw-ann", "adm-sess", 3600, false));
        assertThat(resumed.getReasonCode(), is(0x87));
        try (MqttProbe owner = MqttProbe.connect(uri, "admin", "s3cret", "adm-sess", 3600, false)) {
            assertThat(owner.sessionPresent(), is(true));
            // nor takes over the live connection
            MqttException takeover = org.junit.jupiter.api.Assertions.assertThrows(MqttException.class,
                    () -> MqttProbe.connect(uri, "ann", "pw-ann", "adm-sess", 0, true));
            assertThat(takeover.getReasonCode(), is(0x87));
            ok(admin.putJson("/Cat/c2", "{\"name\": \"C2\"}"));
            MqttProbe.Received change = owner.next(10_000);
            while (change != null && !change.topic().equals("Cat/c2")) {
                change = owner.next(10_000);
            }
            assertThat("the owner's connection is still up", change, notNullValue());
        }
    }

    @Test
    void substitutedNamesAndClientIdsAreLiteralsNeverWildcards() throws Exception {
        String uri = "tcp://127.0.0.1:" + mqttPort;
        ok(admin.putJson("/$roles/device", "{\"topics\": [{\"filter\": \"devices/%c/#\", \"publish\": true,"
                + " \"subscribe\": true}]}"));
        ok(admin.putJson("/$users/dev", "{\"password\": \"pw-dev\", \"roles\": [\"device\"]}"));
        try (MqttProbe plus = MqttProbe.connect(uri, "dev", "pw-dev", "+", 0, true)) {
            assertThat(plus.subscribe("devices/+/#"), is(0x87));
            assertThat(plus.publish("devices/victim/cmd", "reboot", false), is(0x87));
        }
        try (MqttProbe hash = MqttProbe.connect(uri, "dev", "pw-dev", "#", 0, true)) {
            assertThat(hash.subscribe("devices/#"), is(0x87));
        }
        try (MqttProbe real = MqttProbe.connect(uri, "dev", "pw-dev", "dev1", 0, true)) {
            assertThat(real.subscribe("devices/dev1/#"), is(1));
            assertThat(real.publish("devices/dev1/state", "up", false), is(0));
        }
        // a user named "+" reaches through %u no more than through %c
        ok(admin.putJson("/$users/%2B", "{\"password\": \"pw-plus\", \"roles\": [\"sensor\"]}"));
        try (MqttProbe named = MqttProbe.connect(uri, "+", "pw-plus")) {
            assertThat(named.subscribe("sensors/+/#"), is(0x87));
            assertThat(named.publish("sensors/sam/temp", "99", false), is(0x87));
        }
    }

    @Test
    void postCreatesForInsertersAndNeverReplacesForAnyone() throws Exception {
        ok(admin.putJson("/$roles/inserter", "{\"tables\": {\"Dog\": [\"insert\"]}}"));
        ok(admin.putJson("/$users/ivy", "{\"password\": \"pw-ivy\", \"roles\": [\"inserter\"]}"));
        ok(admin.putJson("/Dog/ivy1", "{\"name\": \"original\"}"));
        RestClient ivy = new RestClient(port, "ivy", "pw-ivy");
        byte[] overwrite = "{\"id\": \"ivy1\", \"name\": \"pwned\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(ivy.method("POST", "/Dog/", "application/json", overwrite).statusCode(), is(409));
        assertThat(admin.method("POST", "/Dog/", "application/json", overwrite).statusCode(), is(409));
        assertThat(RestClient.json(admin.get("/Dog/ivy1", "")).get("name").asText(), is("original"));
        assertThat(ivy.method("POST", "/Dog/", "application/json",
                "{\"id\": \"ivy2\", \"name\": \"new\"}".getBytes(StandardCharsets.UTF_8)).statusCode(), is(201));
    }

    @Test
    void theAnonymousRoleDecidesForCallersWithoutCredentials() throws Exception {
        RestClient anonymous = new RestClient(port, null, null);
        assertThat(anonymous.get("/Cat/c1", "").statusCode(), is(200));
        HttpResponse<byte[]> refused = anonymous.get("/Dog/m1", "");
        assertThat(refused.statusCode(), is(401));
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElse(""), containsString("Basic"));
        assertThat(anonymous.putJson("/Cat/c1", "{\"name\":\"changed\"}").statusCode(), is(401));
        try (MqttProbe nobody = MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, null, null)) {
            assertThat(nobody.subscribe("Cat/c1"), is(1));
            assertThat(nobody.next(10_000).payload(), containsString("C1"));
            assertThat(nobody.subscribe("Dog/#"), is(0x87));
            assertThat(nobody.publish("Cat/c1", "{\"name\":\"changed\"}", true), is(0x87));
        }
        assertThat(RestClient.json(admin.get("/Cat/c1", "")).get("name").asText(), is("C1"));
        // the admin surface is for super users only
        assertThat(new RestClient(port, "wes", "pw-wes").get("/$users/", "").statusCode(), is(403));
        assertThat(anonymous.get("/$roles/", "").statusCode(), is(401));
        assertThat(RestClient.json(admin.get("/$users/ann", "")).toString(), is("{\"name\":\"ann\",\"roles\":[\"reader\"]}"));
    }

    @Test
    void losingReadEndsLiveSubscriptionsOnEveryProtocol() throws Exception {
        ok(admin.putJson("/$roles/watcher", "{\"tables\": {\"Dog\": [\"read\"], \"Cat\": [\"read\"]}}"));
        ok(admin.putJson("/$users/val", "{\"password\": \"pw-val\", \"roles\": [\"watcher\"]}"));
        List<String> closes = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> events = LiveSockets.eventStream(port, "val", "pw-val", "/Dog/");
        assertThat(events.statusCode(), is(200));
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = collect(events, lines);
        WebSocket socket = (WebSocket) LiveSockets.webSocket(port, "val", "pw-val", "/Dog/m1", closes);
        try (MqttProbe dogs = MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "val", "pw-val");
             MqttProbe cats = MqttProbe.connect("ws://127.0.0.1:" + port + "/mqtt", "val", "pw-val")) {
            assertThat(dogs.subscribe("Dog/#"), is(1));
            assertThat(cats.subscribe("Cat/#"), is(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("synced")));

            ok(admin.putJson("/$roles/watcher", "{\"tables\": {\"Cat\": [\"read\"]}}"));

            await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.startsWith("event: error")));
            assertThat(String.join("\n", lines), containsString("val may no longer read Dog"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !closes.isEmpty());
            assertThat(closes.getFirst(), is("1008 val may no longer read Dog"));
            await().atMost(Duration.ofSeconds(10)).until(() -> dogs.disconnected() != null);
            assertThat(dogs.disconnected().getReturnCode(), is(0x87));
            assertThat(dogs.disconnected().getReasonString(), containsString("may no longer subscribe to Dog/#"));
            ok(admin.putJson("/Cat/still", "{\"name\": \"still readable\"}"));
            MqttProbe.Received cat;
            do {
                cat = cats.next(10_000);
                assertThat(cat, notNullValue());
            } while (!cat.topic().equals("Cat/still"));
            assertThat(cats.disconnected(), nullValue());
        } finally {
            socket.abort();
            reader.interrupt();
        }
    }

    // reads the stream's lines on a thread of its own, until it ends
    private static Thread collect(HttpResponse<Stream<String>> events, List<String> lines) {
        return Thread.ofVirtual().start(() -> {
            try {
                events.body().forEach(lines::add);
            } catch (java.io.UncheckedIOException e) {
                lines.add("(stream ended)");
            }
        });
    }

    private Map<String, Boolean> rest(Who who, String tag) {
        RestClient client = new RestClient(port, who.user(), "pw-" + who.user());
        return Map.of("read", allowed(client.get("/Dog/m1", "")),
                "insert", allowed(client.putJson("/Dog/ins-" + tag, "{\"name\": \"new\"}")),
                "update", allowed(client.putJson("/Dog/upd-" + tag, "{\"name\": \"after\"}")),
                "delete", allowed(client.method("DELETE", "/Dog/del-" + tag, "application/json", new byte[0])));
    }

    private static boolean allowed(HttpResponse<byte[]> response) {
        assertThat(new String(response.body(), StandardCharsets.UTF_8), response.statusCode() < 300
                || response.statusCode() == 403, is(true));
        return response.statusCode() < 300;
    }

    private Map<String, Boolean> mqtt(Who who, String tag, String uri) throws Exception {
        try (MqttProbe probe = MqttProbe.connect(uri, who.user(), "pw-" + who.user())) {
            int read = probe.subscribe("Dog/m1");
            if (read < 0x80) {
                assertThat(probe.next(10_000).payload(), containsString("M1"));
            }
            return Map.of("read", granted(read),
                    "insert", granted(probe.publish("Dog/ins-" + tag, "{\"name\": \"new\"}", true)),
                    "update", granted(probe.publish("Dog/upd-" + tag, "{\"name\": \"after\"}", true)),
                    "delete", granted(probe.publish("Dog/del-" + tag, "", true)));
        }
    }

    private static boolean granted(int reasonCode) {
        assertThat("reason code " + reasonCode, reasonCode < 0x80 || reasonCode == 0x87, is(true));
        return reasonCode < 0x80;
    }

    private static Object openWebSocket(Who who, String path, List<String> closes) throws Exception {
        return who == null ? LiveSockets.webSocket(port, null, null, path, closes)
                : LiveSockets.webSocket(port, who.user(), "pw-" + who.user(), path, closes);
    }

    private static HttpResponse<Stream<String>> eventStream(Who who, String path) throws Exception {
        return who == null ? LiveSockets.eventStream(port, null, null, path)
                : LiveSockets.eventStream(port, who.user(), "pw-" + who.user(), path);
    }

    private static long denied() {
        String metrics = new String(admin.get("/observe/metrics", "text/plain").body(), StandardCharsets.UTF_8);
        return metrics.lines().filter(line -> line.startsWith("pier_mqtt_denied_total"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }

    private static void ok(HttpResponse<byte[]> response) {
        assertThat(new String(response.body(), StandardCharsets.UTF_8), response.statusCode(), is(greaterThan(199)));
        assertThat(new String(response.body(), StandardCharsets.UTF_8), response.statusCode() < 300, is(true));
    }
}
