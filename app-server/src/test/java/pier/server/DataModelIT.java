package pier.server;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The data model over real sockets: dates in each format's own form, records that expire and say so on
 * every protocol, tables exported on some protocols only, attributes a role withholds, relationships joined
 * in every format, and history: a record's, and replays on every protocol.
 */
class DataModelIT {

    private static final String SCHEMA = """
            type Dog @table(audit: true) @export {
              id: ID @primaryKey  name: String  chip: String  born: Date  created: Date @createdTime  photo: Blob
              ownerId: ID @indexed  owner: Owner @relationship(from: "ownerId")
            }
            type Owner @table @export { id: ID @primaryKey  name: String @indexed  dogs: [Dog] @relationship(to: "ownerId") }
            type Session @table(expiration: 1) @export { id: ID @primaryKey  user: String }
            type Secret @table @export(mqtt: false) { id: ID @primaryKey  code: String }
            type Internal @table @export(name: "internal", rest: false) { id: ID @primaryKey  note: String }
            """;

    @TempDir
    static Path folder;
    static InProcessServer server;
    static int port;
    static String mqtt;
    static RestClient admin;
    static RestClient vet;

    @BeforeAll
    static void start() throws Exception {
        Path schema = Files.writeString(folder.resolve("schema.graphql"), SCHEMA);
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--mqtt-port", String.valueOf(ServerProcess.freePort()), "--schema", schema.toString(),
                "--data", folder.resolve("data").toString());
        port = server.awaitReady();
        mqtt = "tcp://127.0.0.1:" + server.mqttPort();
        admin = new RestClient(port, "admin", "s3cret");
        ok(admin.putJson("/$roles/vet", """
                {"tables": {"Dog": {"read": true, "insert": true, "update": true,
                                    "attributes": {"chip": {"read": false, "write": false}}}}}"""));
        ok(admin.putJson("/$users/vet", "{\"password\": \"pw-vet\", \"roles\": [\"vet\"]}"));
        vet = new RestClient(port, "vet", "pw-vet");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aDateIsIsoTextInJsonTagOneInCborAndATimestampInMessagePack() throws Exception {
        ok(admin.putJson("/Dog/date1", "{\"name\": \"Rex\", \"born\": \"2020-02-29T12:30:00+01:00\"}"));
        JsonNode json = RestClient.json(admin.get("/Dog/date1", "application/json"));
        assertThat(json.get("born").asText(), is("2020-02-29T11:30:00Z"));
        Instant created = Instant.parse(json.get("created").asText());
        assertThat(Duration.between(created, Instant.now()).abs().toMinutes() < 5, is(true));

        byte[] cbor = admin.get("/Dog/date1", "application/cbor").body();
        try (var parser = RestClient.CBOR.getFactory().createParser(cbor)) {
            while (parser.nextToken() != null) {
                if ("born".equals(parser.currentName()) && parser.currentToken().isScalarValue()) {
                    assertThat(((com.fasterxml.jackson.dataformat.cbor.CBORParser) parser).getCurrentTag(), is(1));
                    assertThat(parser.getLongValue(), is(Instant.parse("2020-02-29T11:30:00Z").getEpochSecond()));
                }
            }
        }
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(admin.get("/Dog/date1", "application/x-msgpack")
                .body())) {
            int fields = unpacker.unpackMapHeader();
            Instant born = null;
            for (int i = 0; i < fields; i++) {
                String name = unpacker.unpackString();
                if (name.equals("born")) {
                    born = unpacker.unpackTimestamp(unpacker.unpackExtensionTypeHeader());
                } else {
                    unpacker.skipValue();
                }
            }
            assertThat(born, is(Instant.parse("2020-02-29T11:30:00Z")));
        }
        HttpResponse<byte[]> refused = admin.putJson("/Dog/date2", "{\"born\": \"last tuesday\"}");
        assertThat(refused.statusCode(), is(400));
        assertThat(new String(refused.body(), StandardCharsets.UTF_8), containsString("born must be a date"));
    }

    @Test
    void anExpiredRecordIsGoneAndItsSubscribersHearWhyOnEveryProtocol() throws Exception {
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttClient client = PahoCollector.subscriber(mqtt, "expiry-watch", "Session/s1", received);
        try (EventLines events = EventLines.open(port, "admin", "s3cret", "/Session/s1")) {
            events.until("event: synced");
            ok(admin.putJson("/Session/s1", "{\"user\": \"ann\"}"));
            events.until("event: put");
            assertThat(RestClient.json(admin.get("/Session/s1", "application/json")).get("user").asText(), is("ann"));
            String deleted = events.until("event: delete");
            assertThat(events.data(), containsString("\"reason\":\"expired\""));
            assertThat(deleted, is("event: delete"));
            assertThat(admin.get("/Session/s1", "application/json").statusCode(), is(404));
            MqttMessage put = received.poll(5, TimeUnit.SECONDS);
            assertThat(put, notNullValue());
            MqttMessage expired = received.poll(5, TimeUnit.SECONDS);
            assertThat(expired.getPayload().length, is(0));
            assertThat(expired.getProperties().getUserProperties(), hasItem(new UserProperty("reason", "expired")));
        } finally {
            client.disconnect();
            client.close();
        }
    }

    @Test
    void aTableNotExportedOnAProtocolIsNotThereOnIt() throws Exception {
        ok(admin.putJson("/Secret/s1", "{\"code\": \"rest only\"}"));
        assertThat(admin.get("/internal/n1", "application/json").statusCode(), is(404));

        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttClient client = PahoCollector.subscriber(mqtt, "export-watch", "Secret/s1", received);
        try {
            // Secret/s1 is a plain MQTT topic: the record is not its retained value, a publish does not write it
            assertThat(received.poll(300, TimeUnit.MILLISECONDS), is((MqttMessage) null));
            MqttMessage retained = new MqttMessage("{\"code\": \"from mqtt\"}".getBytes(StandardCharsets.UTF_8));
            retained.setRetained(true);
            client.publish("Secret/s1", retained);
            assertThat(new String(received.poll(5, TimeUnit.SECONDS).getPayload(), StandardCharsets.UTF_8),
                    containsString("from mqtt"));
            assertThat(RestClient.json(admin.get("/Secret/s1", "application/json")).get("code").asText(),
                    is("rest only"));
            MqttMessage note = new MqttMessage("{\"note\": \"mqtt only\"}".getBytes(StandardCharsets.UTF_8));
            note.setRetained(true);
            client.publish("internal/n1", note);
            client.subscribe("internal/n1", 1);
            JsonNode stored = RestClient.read(RestClient.JSON, received.poll(5, TimeUnit.SECONDS).getPayload());
            // the table's record: the server added the primary key
            assertThat(stored.get("id").asText(), is("n1"));
        } finally {
            client.disconnect();
            client.close();
        }
    }

    @Test
    void anAttributeARoleWithholdsIsNeitherShownNorWritableAndSurvivesItsWrites() throws Exception {
        ok(admin.putJson("/Dog/chipped", "{\"name\": \"Bo\", \"chip\": \"985-1\"}"));
        for (String type : List.of("application/json", "application/cbor", "application/x-msgpack")) {
            HttpResponse<byte[]> got = vet.get("/Dog/chipped", type);
            JsonNode dog = RestClient.read(type.equals("application/json") ? RestClient.JSON
                    : type.equals("application/cbor") ? RestClient.CBOR : RestClient.MSGPACK, got.body());
            assertThat(type, dog.get("name").asText(), is("Bo"));
            assertThat(type, dog.has("chip"), is(false));
        }
        assertThat(new String(vet.get("/Dog/?name==Bo", "application/json").body(), StandardCharsets.UTF_8),
                not(containsString("985-1")));
        assertThat(vet.get("/Dog/?chip==985-1", "application/json").statusCode(), is(403));
        HttpResponse<byte[]> refused = vet.putJson("/Dog/chipped", "{\"name\": \"Bo\", \"chip\": \"000\"}");
        assertThat(refused.statusCode(), is(403));
        assertThat(new String(refused.body(), StandardCharsets.UTF_8), containsString("attribute chip of Dog"));
        ok(vet.putJson("/Dog/chipped", "{\"name\": \"Bo the second\"}"));
        JsonNode seen = RestClient.json(admin.get("/Dog/chipped", "application/json"));
        assertThat(seen.get("name").asText(), is("Bo the second"));
        assertThat(seen.get("chip").asText(), is("985-1"));

        try (EventLines events = EventLines.open(port, "vet", "pw-vet", "/Dog/chipped")) {
            String current = events.until("event: put");
            assertThat(current, is("event: put"));
            String data = events.data();
            assertThat(data, containsString("Bo the second"));
            assertThat(data, not(containsString("985-1")));
        }
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttClient client = new MqttClient(mqtt, "vet-watch", new MemoryPersistence());
        client.setCallback(PahoCollector.collect(received));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("vet");
        options.setPassword("pw-vet".getBytes(StandardCharsets.UTF_8));
        client.connect(options);
        try {
            client.subscribe("Dog/chipped", 1);
            String payload = new String(received.poll(5, TimeUnit.SECONDS).getPayload(), StandardCharsets.UTF_8);
            assertThat(payload, containsString("Bo the second"));
            assertThat(payload, not(containsString("985-1")));
        } finally {
            client.disconnect();
            client.close();
        }
    }

    @Test
    void relatedRecordsAreJoinedInEveryFormatAndConditionsGoThroughThem() throws Exception {
        ok(admin.putJson("/Owner/ann", "{\"name\": \"Ann\"}"));
        ok(admin.putJson("/Dog/rel1", "{\"name\": \"Rex\", \"ownerId\": \"ann\"}"));
        ok(admin.putJson("/Dog/rel2", "{\"name\": \"Fido\", \"ownerId\": \"ann\"}"));
        String query = "/Dog/?owner.name==Ann&select(name,owner%7Bname%7D)&sort(name)";
        for (String type : List.of("application/json", "application/cbor", "application/x-msgpack")) {
            JsonNode dogs = RestClient.read(type.equals("application/json") ? RestClient.JSON
                    : type.equals("application/cbor") ? RestClient.CBOR : RestClient.MSGPACK, admin.get(query, type).body());
            assertThat(type, dogs.toString(), is("[{\"name\":\"Fido\",\"owner\":{\"name\":\"Ann\"}},"
                    + "{\"name\":\"Rex\",\"owner\":{\"name\":\"Ann\"}}]"));
        }
        JsonNode ann = RestClient.json(admin.get("/Owner/ann?select(name,dogs%7Bname%7D)", "application/json"));
        assertThat(ann.get("dogs").size(), is(2));
        // the vet may read dogs but not owners: nothing joined from them
        assertThat(vet.get(query, "application/json").statusCode(), is(403));
    }

    @Test
    void aRecordsHistoryAndReplaysOnEveryProtocol() throws Exception {
        for (int age = 1; age <= 4; age++) {
            ok(admin.putJson("/Dog/hist", "{\"name\": \"v" + age + "\"}"));
        }
        JsonNode changes = RestClient.json(admin.get("/Dog/hist?history&limit(3)", "application/json"));
        assertThat(changes.size(), is(3));
        assertThat(changes.get(0).get("value").get("name").asText(), is("v4"));
        assertThat(changes.get(2).get("type").asText(), is("put"));
        JsonNode cbor = RestClient.read(RestClient.CBOR, admin.get("/Dog/hist?history", "application/cbor").body());
        assertThat(cbor.size(), is(4));
        assertThat(admin.get("/Session/s9?history", "application/json").statusCode(), is(400));

        try (EventLines events = EventLines.open(port, "admin", "s3cret", "/Dog/hist?previousCount=2")) {
            events.until("event: put");
            assertThat(events.data(), containsString("v3"));
            events.until("event: put");
            assertThat(events.data(), containsString("v4"));
            events.until("event: synced");
        }
        assertThat(LiveSockets.eventStream(port, "admin", "s3cret", "/Dog/hist?previousCount=many").statusCode(),
                is(400));
        List<String> closes = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThat(LiveSockets.webSocket(port, "admin", "s3cret", "/Dog/hist?startTime=yesterday", closes), is(400));

        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttAsyncClient client = new MqttAsyncClient(mqtt, "replay-watch", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("admin");
        options.setPassword("s3cret".getBytes(StandardCharsets.UTF_8));
        client.connect(options).waitForCompletion(5000);
        try {
            MqttProperties properties = new MqttProperties();
            properties.setUserProperties(List.of(new UserProperty("previousCount", "3")));
            properties.setSubscriptionIdentifiers(List.of(3)); // Paho routes to a listener of its own by identifier
            client.subscribe(new MqttSubscription[] {new MqttSubscription("Dog/hist", 1)}, null, null,
                    (topic, message) -> received.add(message), properties).waitForCompletion(5000);
            for (String name : List.of("v2", "v3", "v4")) {
                assertThat(new String(received.poll(5, TimeUnit.SECONDS).getPayload(), StandardCharsets.UTF_8),
                        containsString(name));
            }
        } finally {
            client.disconnect().waitForCompletion(5000);
            client.close();
        }
    }

    @Test
    void aChangeCarriesTheValueItReplacedWhenTheSubscriberAsks() throws Exception {
        ok(admin.putJson("/Dog/prev", "{\"name\": \"before\", \"chip\": \"c-9\"}"));
        try (EventLines events = EventLines.open(port, "vet", "pw-vet", "/Dog/prev?previous=true")) {
            events.until("event: synced");
            ok(admin.putJson("/Dog/prev", "{\"name\": \"after\", \"chip\": \"c-9\"}"));
            events.until("event: put");
            JsonNode change = RestClient.read(RestClient.JSON, events.data().substring("data: ".length())
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(change.get("value").get("name").asText(), is("after"));
            assertThat(change.get("previous").get("name").asText(), is("before"));
            // what the vet may not read stays hidden in the previous value too
            assertThat(change.toString(), not(containsString("c-9")));
        }
        assertThat(LiveSockets.eventStream(port, "admin", "s3cret", "/Dog/prev?previous=maybe").statusCode(), is(400));
    }

    @Test
    void aBlobLargerThanAnyBodyGoesInAndOutWithCurl() throws Exception {
        ok(admin.putJson("/Dog/blob1", "{\"name\": \"Pic\"}"));
        Path photo = folder.resolve("photo.bin");
        byte[] bytes = new byte[24 << 20]; // more than the 16 MiB a record's body may have
        new java.util.Random(3).nextBytes(bytes);
        Files.write(photo, bytes);
        String url = "http://127.0.0.1:" + port + "/Dog/blob1?blob=photo";
        assertThat(Curl.run("-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u", "admin:s3cret", "-T", photo.toString(),
                "-H", "Content-Type: image/png", url), is("204"));
        Path back = folder.resolve("back.bin");
        assertThat(Curl.run("-sS", "-o", back.toString(), "-w", "%{http_code} %{content_type}", "-u", "admin:s3cret", url),
                is("200 image/png"));
        assertThat(java.util.Arrays.equals(Files.readAllBytes(back), bytes), is(true));
        JsonNode reference = RestClient.json(admin.get("/Dog/blob1", "application/json")).get("photo");
        assertThat(reference.get("size").asLong(), is((long) bytes.length));
        assertThat(admin.get("/Dog/blob1?blob=name", "application/json").statusCode(), is(400));
    }

    @Test
    void metricsPerTableMoveWithTheWork() throws Exception {
        ok(admin.putJson("/Owner/metrics", "{\"name\": \"M\"}"));
        double reads = metric("pier_table_reads_total", "Owner");
        double writes = metric("pier_table_writes_total", "Owner");
        for (int i = 0; i < 3; i++) {
            admin.get("/Owner/metrics", "application/json");
        }
        ok(admin.putJson("/Owner/metrics", "{\"name\": \"N\"}"));
        try (EventLines events = EventLines.open(port, "admin", "s3cret", "/Owner/metrics")) {
            events.until("event: synced");
            assertThat(metric("pier_table_subscribers", "Owner"), is(1.0));
            ok(admin.putJson("/Owner/metrics", "{\"name\": \"O\"}"));
            events.until("event: put");
            assertThat(metric("pier_table_events_out_total", "Owner") >= 1, is(true));
        }
        assertThat(metric("pier_table_reads_total", "Owner") >= reads + 3, is(true));
        assertThat(metric("pier_table_writes_total", "Owner") >= writes + 2, is(true));
    }

    // a metric of one table, as Prometheus reads it
    private static double metric(String name, String table) {
        String text = new String(admin.get("/observe/metrics", "text/plain").body(), StandardCharsets.UTF_8);
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("(?m)^" + name + "\\{[^}]*table=\"" + table
                + "\"[^}]*} ([0-9.E+-]+)$").matcher(text);
        assertThat(name + " of " + table + " is exposed", line.find(), is(true));
        return Double.parseDouble(line.group(1));
    }

    private static void ok(HttpResponse<byte[]> response) {
        assertThat(new String(response.body(), StandardCharsets.UTF_8), response.statusCode() / 100, is(2));
    }
}
