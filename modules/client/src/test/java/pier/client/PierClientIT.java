package pier.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.server.ServerProcess;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The client against the built server: REST over HTTP, MQTT 5 over the server's WebSocket. */
class PierClientIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path folder;
    static ServerProcess server;
    static PierClient client;
    static ServerAddress address;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--mqtt-port", String.valueOf(ServerProcess.freePort()), "--data", folder.resolve("data").toString());
        address = ServerAddress.parse("127.0.0.1:" + server.awaitReady(), "admin", "s3cret");
        client = PierClient.of(address);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    @Test
    void tablesCarryTheirSchema() {
        TableInfo dog = client.tables().stream().filter(t -> t.name().equals("Dog")).findFirst().orElseThrow();
        assertThat(dog.columns(), contains("id", "name", "age", "breed"));
        assertThat(dog.primaryKey(), is("id"));
    }

    @Test
    void readsWritesAndQueriesRecords() {
        client.put("Dog", "q1", json("{\"name\":\"Ace\",\"age\":2}"), null);
        client.put("Dog", "q2", json("{\"name\":\"Bo\",\"age\":7}"), null);
        List<JsonNode> old = client.query("Dog", "age=gt=5&age=lt=50&sort(-age)&limit(0,10)");
        assertThat(old.stream().map(r -> r.get("id").asText()).toList(), hasItem("q2"));
        assertThat(old.stream().map(r -> r.get("id").asText()).toList(), not(hasItem("q1")));
        for (Format format : Format.values()) {
            StoredRecord read = client.get("Dog", "q1", format);
            assertThat(read.contentType(), is(format.mediaType()));
            assertThat(read.value().get("name").asText(), is("Ace"));
        }
        ClientException bad = assertThrows(ClientException.class, () -> client.query("Dog", "age=zz=1"));
        assertThat(bad.status(), is(400));
    }

    @Test
    void aStaleEditIsAConflictAndChangesNothing() {
        String etag = client.put("Dog", "c1", json("{\"name\":\"Cy\",\"age\":1}"), null);
        String newer = client.patch("Dog", "c1", json("{\"age\":2}"), etag);
        ClientException conflict = assertThrows(ClientException.class,
                () -> client.put("Dog", "c1", json("{\"name\":\"stale\"}"), etag));
        assertThat(conflict.isConflict(), is(true));
        StoredRecord now = client.get("Dog", "c1", Format.JSON);
        assertThat(now.value().get("name").asText(), is("Cy"));
        assertThat(now.etag(), is(newer));
        client.delete("Dog", "c1", newer);
        assertThat(assertThrows(ClientException.class, () -> client.get("Dog", "c1", Format.JSON)).status(), is(404));
    }

    @Test
    void exportsAQueryAsCsvAndJsonLines() {
        for (int i = 0; i < 250; i++) {
            client.put("Dog", "x" + i, json("{\"name\":\"n" + i + "\",\"age\":100,\"toy\":{\"a\":1}}"), null);
        }
        List<String> columns = List.of("id", "name", "age", "breed");
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        AtomicLong progress = new AtomicLong();
        long written = client.export("Dog", "age=100", columns, ExportFormat.CSV, csv, progress::set);
        assertThat(written, is(250L));
        assertThat(progress.get(), is(250L));
        List<String> rows = csv.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(rows.getFirst(), is("\"id\",\"name\",\"age\",\"breed\""));
        assertThat(rows.size(), is(251));
        assertThat(rows, hasItem("\"x7\",\"n7\",100,"));
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        client.export("Dog", "age=100&limit(3)", columns, ExportFormat.JSON_LINES, lines, n -> { });
        List<String> jsonLines = lines.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(jsonLines.size(), is(3));
        assertThat(json(jsonLines.getFirst()).get("toy").get("a").asInt(), is(1));
    }

    @Test
    void subscriptionsSeeRestChangesAndRetainedPublishesWriteRecords() {
        List<LiveMessage> all = new CopyOnWriteArrayList<>();
        List<LiveMessage> old = new CopyOnWriteArrayList<>();
        try (LiveConnection live = LiveConnection.open(address, Format.CBOR, (state, why) -> { });
             LiveSubscription dogs = live.subscribe("Dog/#", all::add);
             LiveSubscription query = live.subscribe("Dog/?age=gt=50", old::add)) {
            client.put("Dog", "live1", json("{\"name\":\"Lu\",\"age\":60}"), null);
            await().atMost(Duration.ofSeconds(10)).until(() -> has(all, "Dog/live1") && has(old, "Dog/live1"));
            LiveMessage change = all.stream().filter(m -> m.topic().equals("Dog/live1")).findFirst().orElseThrow();
            assertThat(change.contentType(), is("application/cbor"));
            assertThat(change.decoded().value().get("name").asText(), is("Lu"));
            client.put("Dog", "young", json("{\"name\":\"Yo\",\"age\":1}"), null);
            await().atMost(Duration.ofSeconds(10)).until(() -> has(all, "Dog/young"));
            assertThat(has(old, "Dog/young"), is(false));

            byte[] cbor = Format.CBOR.encode(json("{\"name\":\"Pub\",\"age\":61}"));
            live.publish(new Publication("Dog/pub1", cbor, Format.CBOR.mediaType(), 1, true,
                    List.of(Map.entry("origin", "test"))));
            assertThat(client.get("Dog", "pub1", Format.JSON).value().get("name").asText(), is("Pub"));
            await().atMost(Duration.ofSeconds(10)).until(() -> has(old, "Dog/pub1"));
        }
    }

    @Test
    void aRefusedSubscriptionSaysWhy() {
        try (LiveConnection live = LiveConnection.open(address, Format.JSON, (state, why) -> { })) {
            ClientException refused = assertThrows(ClientException.class, () -> live.subscribe("Dog/?age=zz=1", m -> { }));
            assertThat(refused.getMessage(), containsString("Dog/?age=zz=1"));
        }
    }

    @Test
    void wrongCredentialsAreRefusedOnBothProtocols() {
        ServerAddress wrong = ServerAddress.parse(address.http().toString(), "admin", "nope");
        try (PierClient bad = PierClient.of(wrong)) {
            assertThat(assertThrows(ClientException.class, bad::tables).status(), is(401));
        }
        assertThrows(ClientException.class, () -> LiveConnection.open(wrong, Format.JSON, (state, why) -> { }));
    }

    private static boolean has(List<LiveMessage> messages, String topic) {
        return messages.stream().anyMatch(m -> m.topic().equals(topic));
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
