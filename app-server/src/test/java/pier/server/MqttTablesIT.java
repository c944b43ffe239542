package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static pier.server.RestClient.json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records as topics: the built server's table {@code Dog} over MQTT 5 (Paho) and REST at once. */
class MqttTablesIT {

    @TempDir
    static Path folder;
    static InProcessServer server;
    static RestClient admin;
    static String uri;
    static int httpPort;
    final List<MqttClient> clients = new ArrayList<>();
    final List<MqttAsyncClient> publishers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--mqtt-port", Integer.toString(ServerProcess.freePort()), "--data", folder.resolve("data").toString());
        httpPort = server.awaitReady();
        admin = new RestClient(httpPort, "admin", "s3cret");
        uri = "tcp://127.0.0.1:" + server.mqttPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @AfterEach
    void disconnect() throws MqttException {
        for (MqttAsyncClient publisher : publishers) {
            publisher.disconnectForcibly(100, 100, false);
            publisher.close(true);
        }
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnectForcibly(100, 100, false);
            }
            client.close(true);
        }
    }

    record Received(String topic, byte[] payload, boolean retained, String contentType) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    BlockingQueue<Received> subscribe(String id, String accept, String filter) throws MqttException {
        MqttClient client = new MqttClient(uri, id, new MemoryPersistence());
        clients.add(client);
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        client.setCallback(callback(received));
        MqttConnectionOptions options = options();
        if (accept != null) {
            options.setUserProperties(List.of(new UserProperty("accept", accept)));
        }
        client.connect(options);
        client.subscribe(filter, 1);
        return received;
    }

    static MqttCallback callback(BlockingQueue<Received> received) {
        return new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, message.getPayload(), message.isRetained(),
                        message.getProperties().getContentType()));
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        };
    }

    static MqttConnectionOptions options() {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("admin");
        options.setPassword("s3cret".getBytes(StandardCharsets.UTF_8));
        options.setAutomaticReconnect(false);
        return options;
    }

    /** A publisher whose tokens carry the PUBACK reason codes. */
    MqttAsyncClient publisher() throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(uri, "pub-" + System.nanoTime(), new MemoryPersistence());
        publishers.add(client);
        client.connect(options()).waitForCompletion(5000);
        return client;
    }

    static void publish(MqttAsyncClient publisher, String topic, MqttMessage message) throws MqttException {
        publisher.publish(topic, message).waitForCompletion(5000);
    }

    static Received next(BlockingQueue<Received> queue) throws InterruptedException {
        Received received = queue.poll(5, TimeUnit.SECONDS);
        if (received == null) {
            throw new AssertionError("no message within 5 s");
        }
        return received;
    }

    static MqttMessage message(byte[] payload, boolean retained, String contentType) {
        MqttMessage message = new MqttMessage(payload, 1, retained, null);
        if (contentType != null) {
            MqttProperties properties = new MqttProperties();
            properties.setContentType(contentType);
            message.setProperties(properties);
        }
        return message;
    }

    @Test
    void aStalledSubscriberInDeliveryModeLatestGetsTheRecordsNewestValueWithTheChangesItStandsFor()
            throws Exception {
        assertThat(admin.putJson("/Dog/lt1", "{\"name\":\"v0\"}").statusCode(), is(204));
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttAsyncClient subscriber = new MqttAsyncClient(uri, "latest-" + System.nanoTime(), new MemoryPersistence());
        publishers.add(subscriber);
        subscriber.setManualAcks(true);
        MqttConnectionOptions options = options();
        options.setReceiveMaximum(1); // one message in flight: the rest waits for the acknowledgement
        subscriber.connect(options).waitForCompletion(5000);
        MqttProperties latest = new MqttProperties();
        latest.setUserProperties(List.of(new UserProperty("delivery", "latest")));
        latest.setSubscriptionIdentifiers(List.of(7)); // Paho routes to a listener of its own by identifier
        subscriber.subscribe(new MqttSubscription[] {new MqttSubscription("Dog/lt1", 1)}, null, null,
                (topic, message) -> received.add(message), latest).waitForCompletion(5000);
        MqttMessage current = received.poll(5, TimeUnit.SECONDS);
        assertThat(parse(current.getPayload()).get("name").asText(), is("v0"));
        int changes = 50;
        for (int i = 1; i <= changes; i++) {
            assertThat(admin.putJson("/Dog/lt1", "{\"name\":\"v" + i + "\"}").statusCode(), is(204));
        }
        subscriber.messageArrivedComplete(current.getId(), 1);
        int deliveries = 0;
        long stoodFor = 0;
        String last = "";
        while (!last.equals("v" + changes)) {
            MqttMessage change = received.poll(5, TimeUnit.SECONDS);
            assertThat("the newest value arrives", change != null, is(true));
            deliveries++;
            stoodFor += 1 + change.getProperties().getUserProperties().stream()
                    .filter(p -> p.getKey().equals("merged")).mapToLong(p -> Long.parseLong(p.getValue())).sum();
            last = parse(change.getPayload()).get("name").asText();
            subscriber.messageArrivedComplete(change.getId(), 1);
        }
        assertThat("every change is counted once", stoodFor, is((long) changes));
        assertThat("changes were merged", deliveries < changes, is(true));
    }

    @Test
    void aRecordIsARetainedTopicAndEveryChangeFollows() throws Exception {
        assertThat(admin.putJson("/Dog/t1", "{\"name\":\"Rex\",\"age\":3}").statusCode(), is(204));
        BlockingQueue<Received> one = subscribe("sub-one", null, "Dog/t1");
        Received current = next(one);
        assertThat(current.topic(), is("Dog/t1"));
        assertThat(current.retained(), is(true));
        assertThat(parse(current.payload()).get("age").asInt(), is(3));
        assertThat(current.contentType(), is("application/json"));
        assertThat(admin.putJson("/Dog/t1", "{\"name\":\"Rex\",\"age\":4}").statusCode(), is(204));
        Received change = next(one);
        assertThat(change.retained(), is(false));
        assertThat(parse(change.payload()).get("age").asInt(), is(4));
        // a record that does not exist sends nothing until it does
        BlockingQueue<Received> missing = subscribe("sub-missing", null, "Dog/t-none");
        assertThat(missing.poll(300, TimeUnit.MILLISECONDS), nullValue());
        publish(publisher(), "Dog/t-none", message(bytes("{\"name\":\"New\"}"), true, null));
        assertThat(parse(next(missing).payload()).get("name").asText(), is("New"));
    }

    @Test
    void aRetainedPublishWritesTheRecordAndAnEmptyOneDeletesIt() throws Exception {
        MqttAsyncClient publisher = publisher();
        IMqttToken written = publisher.publish("Dog/t2", message(bytes("{\"name\":\"Mq\",\"age\":2}"),
                true, null));
        written.waitForCompletion(5000);
        JsonNode stored = json(admin.get("/Dog/t2", "application/json"));
        assertThat(stored.get("name").asText(), is("Mq"));
        // a schema violation is refused with 0x99 and leaves the record as it was
        IMqttToken refused = publisher.publish("Dog/t2", message(bytes("{\"age\":\"old\"}"), true, null));
        refused.waitForCompletion(5000);
        assertThat(refused.getReasonCodes()[0], is(0x99));
        assertThat(json(admin.get("/Dog/t2", "application/json")).get("age").asInt(), is(2));
        // a publish without retain notifies and never writes
        BlockingQueue<Received> watching = subscribe("sub-t2", null, "Dog/t2");
        next(watching);
        publish(publisher, "Dog/t2", message(bytes("{\"say\":\"hi\"}"), false, null));
        assertThat(next(watching).text(), is("{\"say\":\"hi\"}"));
        assertThat(json(admin.get("/Dog/t2", "application/json")).has("say"), is(false));
        publish(publisher, "Dog/t2", message(new byte[0], true, null));
        Received deleted = next(watching);
        assertThat(deleted.payload().length, is(0));
        assertThat(admin.get("/Dog/t2", "application/json").statusCode(), is(404));
    }

    @Test
    void eachClientGetsItsOwnFormatAndCborWrittenOverMqttReadsAsJsonOverRest() throws Exception {
        BlockingQueue<Received> asJson = subscribe("sub-json", null, "Dog/t3");
        BlockingQueue<Received> asCbor = subscribe("sub-cbor", "application/cbor", "Dog/t3");
        byte[] cbor = RestClient.CBOR.writeValueAsBytes(Map.of("name", "Cb", "age", 7));
        publish(publisher(), "Dog/t3", message(cbor, true, "application/cbor"));
        JsonNode overRest = json(admin.get("/Dog/t3", "application/json"));
        assertThat(overRest.get("name").asText(), is("Cb"));
        Received json = next(asJson);
        assertThat(json.contentType(), is("application/json"));
        assertThat(parse(json.payload()), equalTo(overRest));
        Received inCbor = next(asCbor);
        assertThat(inCbor.contentType(), is("application/cbor"));
        assertThat(RestClient.read(RestClient.CBOR, inCbor.payload()), equalTo(overRest));
    }

    @Test
    void aWildcardSendsEveryCurrentRecordThenChangesButNoSystemTables() throws Exception {
        admin.putJson("/Dog/w1", "{\"name\":\"A\"}");
        admin.putJson("/Dog/w2", "{\"name\":\"B\"}");
        BlockingQueue<Received> all = subscribe("sub-all", null, "#");
        List<String> topics = new ArrayList<>();
        for (Received r = all.poll(2, TimeUnit.SECONDS); r != null; r = all.poll(500, TimeUnit.MILLISECONDS)) {
            topics.add(r.topic());
        }
        assertThat(topics.contains("Dog/w1") && topics.contains("Dog/w2"), is(true));
        assertThat(topics.stream().anyMatch(t -> t.startsWith("$")), is(false));
    }

    @Test
    void noLocalHoldsForRecordTopicsToo() throws Exception {
        MqttAsyncClient self = publisher();
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        self.setCallback(callback(received));
        org.eclipse.paho.mqttv5.common.MqttSubscription noLocal = new org.eclipse.paho.mqttv5.common.MqttSubscription(
                "Dog/nl", 1);
        noLocal.setNoLocal(true);
        self.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {noLocal}, null, null,
                new MqttProperties()).waitForCompletion(5000);
        publish(self, "Dog/nl", message(bytes("{\"name\":\"Mine\"}"), true, null));
        assertThat(admin.putJson("/Dog/nl", "{\"name\":\"Theirs\"}").statusCode(), is(204));
        Received first = next(received);
        assertThat(parse(first.payload()).get("name").asText(), is("Theirs"));
    }

    @Test
    void aLiveQueryTopicSendsWhatEntersChangesAndLeavesTheMatch() throws Exception {
        admin.putJson("/Dog/lq1", "{\"name\":\"Big\",\"age\":40}");
        admin.putJson("/Dog/lq2", "{\"name\":\"Small\",\"age\":1}");
        BlockingQueue<Received> live = subscribe("sub-live", null, "Dog/?age=gt=30");
        Received current = next(live);
        assertThat(current.topic(), is("Dog/lq1"));
        assertThat(current.retained(), is(true));
        admin.putJson("/Dog/lq2", "{\"name\":\"Small\",\"age\":31}");
        assertThat(next(live).topic(), is("Dog/lq2"));
        admin.putJson("/Dog/lq1", "{\"name\":\"Big\",\"age\":3}");
        Received left = next(live);
        assertThat(left.topic(), is("Dog/lq1"));
        assertThat(left.payload().length, is(0));
        admin.putJson("/Dog/lq1", "{\"name\":\"Big\",\"age\":4}");
        assertThat(live.poll(300, TimeUnit.MILLISECONDS), nullValue());
    }

    @Test
    void aPublishToTheTablesOwnTopicIsAMessageToItsSubscribersAndTheEmptyIdIsRefused() throws Exception {
        BlockingQueue<Received> table = subscribe("sub-table", null, "Dog");
        BlockingQueue<Received> everything = subscribe("sub-all", null, "Dog/#");
        assertThat(admin.putJson("/Dog/msg1", "{\"name\":\"Old\"}").statusCode(), is(204));
        while (!next(everything).topic().equals("Dog/msg1")) {
            // the records other tests left come first
        }
        MqttAsyncClient publisher = publisher();
        IMqttToken sent = publisher.publish("Dog", message(bytes("{\"note\":\"to all\"}"), false, null));
        sent.waitForCompletion(5000);
        assertThat(sent.getReasonCodes()[0], is(0));
        Received toTable = next(table);
        assertThat(toTable.topic(), is("Dog"));
        assertThat(toTable.text(), is("{\"note\":\"to all\"}"));
        assertThat(next(everything).topic(), is("Dog"));
        // a table holds no value of its own, and no record has an empty id
        IMqttToken retained = publisher.publish("Dog", message(bytes("{\"x\":1}"), true, null));
        retained.waitForCompletion(5000);
        assertThat(retained.getReasonCodes()[0], is(0x90));
        for (boolean retain : new boolean[] {true, false}) {
            IMqttToken empty = publisher.publish("Dog/", message(bytes("{\"x\":1}"), retain, null));
            empty.waitForCompletion(5000);
            assertThat(empty.getReasonCodes()[0], is(0x90));
        }
        // nothing was kept under Dog/: a late wildcard subscriber gets no stray retained message
        BlockingQueue<Received> late = subscribe("sub-late", null, "#");
        for (Received received = late.poll(1, TimeUnit.SECONDS); received != null;
             received = late.poll(1, TimeUnit.SECONDS)) {
            assertThat(received.topic().equals("Dog/"), is(false));
        }
    }

    @Test
    void overWebSocketTheUpgradesCredentialsAndContentTypeServeTheConnection() throws Exception {
        java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("mqtt").header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/cbor")
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + httpPort + "/"), new java.net.http.WebSocket.Listener() {
                }).get(10, TimeUnit.SECONDS);
        try {
            // CONNECT without a user name: the upgrade's credentials are the connection's user
            ByteArrayOutputStream connect = new ByteArrayOutputStream();
            pier.mqtt.testing.RawClient.string(connect, "MQTT");
            connect.writeBytes(new byte[] {4, 0x02, 0, 60});
            pier.mqtt.testing.RawClient.string(connect, "ws-upgrade-user");
            socket.sendBinary(java.nio.ByteBuffer.wrap(pier.mqtt.testing.RawClient.packet(0x10, connect.toByteArray())), true)
                    .get(5, TimeUnit.SECONDS);
            // a retained QoS 0 PUBLISH of CBOR, which names no content type of its own
            byte[] cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper().writeValueAsBytes(
                    Map.of("name", "Cbor", "age", 4));
            ByteArrayOutputStream publish = new ByteArrayOutputStream();
            pier.mqtt.testing.RawClient.string(publish, "Dog/ws-cbor");
            publish.writeBytes(cbor);
            socket.sendBinary(java.nio.ByteBuffer.wrap(pier.mqtt.testing.RawClient.packet(0x31, publish.toByteArray())), true)
                    .get(5, TimeUnit.SECONDS);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    admin.get("/Dog/ws-cbor", "application/json").statusCode() == 200);
            JsonNode stored = json(admin.get("/Dog/ws-cbor", "application/json"));
            assertThat(stored.get("name").asText(), is("Cbor"));
            assertThat(stored.get("age").asInt(), is(4));
        } finally {
            socket.abort();
        }
    }

    @Test
    void aWillTheUserMayNotPublishIsRefusedAtConnect() throws Exception {
        assertThat(admin.putJson("/$roles/dog-reader", "{\"tables\": {\"Dog\": [\"read\"]}}").statusCode(), is(204));
        assertThat(admin.putJson("/$users/wil", "{\"password\": \"pw\", \"roles\": [\"dog-reader\"]}")
                .statusCode(), is(204));
        MqttClient client = new MqttClient(uri, "wil-1", new MemoryPersistence());
        clients.add(client);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("wil");
        options.setPassword("pw".getBytes(StandardCharsets.UTF_8));
        options.setWill("Dog/wil", new MqttMessage(bytes("{\"name\":\"w\"}"), 1, true, null));
        MqttException refused = org.junit.jupiter.api.Assertions.assertThrows(MqttException.class,
                () -> client.connect(options));
        assertThat(refused.getReasonCode(), is(0x87));
        options.setWill("Dog/wil", new MqttMessage(bytes("{\"name\":\"w\"}"), 1, false, null));
        assertThat(org.junit.jupiter.api.Assertions.assertThrows(MqttException.class, () -> client.connect(options))
                .getReasonCode(), is(0x87));
    }

    private static JsonNode parse(byte[] body) {
        return RestClient.read(RestClient.JSON, body);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
