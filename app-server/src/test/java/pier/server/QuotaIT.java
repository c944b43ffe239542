package pier.server;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.mqtt.testing.MqttProbe;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Per-user limits on connections (event streams, MQTT, WebSockets together) and MQTT subscriptions. */
class QuotaIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path folder;
    static InProcessServer server;
    static int port;
    static int mqttPort;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--mqtt-port", String.valueOf(ServerProcess.freePort()), "--max-connections-per-user", "2",
                "--max-subscriptions-per-user", "2", "--data", folder.resolve("data").toString());
        port = server.awaitReady();
        mqttPort = server.mqttPort();
        RestClient admin = new RestClient(port, "admin", "s3cret");
        assertThat(admin.putJson("/$roles/reader", "{\"tables\": {\"Dog\": [\"read\"]}}").statusCode(), is(204));
        assertThat(admin.putJson("/$users/ann", "{\"password\": \"pw\", \"roles\": [\"reader\"]}").statusCode(), is(204));
        assertThat(admin.putJson("/$users/bob", "{\"password\": \"pw\", \"roles\": [\"reader\"]}").statusCode(), is(204));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void connectionsCountAcrossProtocolsAndSuperUsersAreExempt() throws Exception {
        List<InputStream> open = new ArrayList<>();
        try {
            open.add(stream("ann", "pw").body());
            open.add(stream("ann", "pw").body());
            HttpResponse<InputStream> third = stream("ann", "pw");
            assertThat(third.statusCode(), is(429));
            assertThat(new String(third.body().readAllBytes(), StandardCharsets.UTF_8), containsString(
                    "ann has 2 connections open, the most allowed"));
            MqttException refused = assertThrows(MqttException.class,
                    () -> MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "ann", "pw"));
            assertThat(refused.getReasonCode(), is(0x97)); // quota exceeded
            assertThat(new RestClient(port, "ann", "pw").get("/Dog/", "").statusCode(), is(200)); // requests are not connections
            for (int i = 0; i < 3; i++) {
                HttpResponse<InputStream> admin = stream("admin", "s3cret");
                assertThat(admin.statusCode(), is(200));
                open.add(admin.body());
            }
            // the server notices a stream's client left at its next write: the keep-alive comes every 15 s
            open.removeFirst().close();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(40)).until(() -> {
                try (MqttProbe probe = MqttProbe.connect("tcp://127.0.0.1:" + mqttPort, "ann", "pw")) {
                    return true;
                } catch (MqttException e) {
                    return false;
                }
            });
        } finally {
            for (InputStream stream : open) {
                stream.close();
            }
        }
    }

    @Test
    void subscriptionsAreCountedPerUser() throws Exception {
        // MQTT 3.1.1 (Paho 1.2.5's v5 client rejects SUBACK reason 0x97, quota exceeded, which MQTT 5 allows)
        org.eclipse.paho.client.mqttv3.MqttClient first = v3("bob");
        try {
            assertThat(first.subscribeWithResponse("Dog/1", 1).getGrantedQos()[0], is(1));
            assertThat(first.subscribeWithResponse("Dog/2", 1).getGrantedQos()[0], is(1));
            assertThat(first.subscribeWithResponse("Dog/1", 1).getGrantedQos()[0], is(1)); // no new subscription
            assertThat(first.subscribeWithResponse("Dog/3", 1).getGrantedQos()[0], is(0x80));
            first.unsubscribe("Dog/2");
            assertThat(first.subscribeWithResponse("Dog/3", 1).getGrantedQos()[0], is(1));
        } finally {
            first.disconnect();
            first.close();
        }
        org.eclipse.paho.client.mqttv3.MqttClient again = v3("bob");
        try {
            // a closed connection gave its subscriptions back
            assertThat(again.subscribeWithResponse("Dog/4", 1).getGrantedQos()[0], is(1));
            assertThat(again.subscribeWithResponse("Dog/5", 1).getGrantedQos()[0], is(1));
        } finally {
            again.disconnect();
            again.close();
        }
    }

    private static org.eclipse.paho.client.mqttv3.MqttClient v3(String user) throws Exception {
        org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(
                "tcp://127.0.0.1:" + mqttPort, "quota-" + java.util.UUID.randomUUID(),
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        options.setUserName(user);
        options.setPassword("pw".toCharArray());
        client.connect(options);
        return client;
    }

    private static HttpResponse<InputStream> stream(String user, String password) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/Dog/"))
                .header("Accept", "text/event-stream").header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }
}
