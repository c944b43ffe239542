package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.mqtt.testing.RawClient;

/** A change reaching 1,000 MQTT subscribers in two formats is encoded at most once per format. */
class MqttFanoutIT {

    private static final Pattern ENCODINGS = Pattern.compile("(?m)^pier_record_encodings_total(?:\\{[^}]*})? ([0-9.E]+)$");

    @TempDir
    Path folder;

    /** A bare MQTT 5 connection: CONNECT with an {@code accept} user property, SUBSCRIBE at QoS 0, read PUBLISH. */
    static final class Subscriber implements AutoCloseable {
        final RawClient client;

        Subscriber(int port, String clientId, String accept, String filter) throws IOException {
            client = new RawClient(port);
            client.timeout(20_000);
            ByteArrayOutputStream connect = new ByteArrayOutputStream();
            RawClient.string(connect, "MQTT");
            connect.writeBytes(new byte[] {5, (byte) 0xc2, 0, 60}); // v5, user+password+clean start, keep-alive 60
            ByteArrayOutputStream properties = new ByteArrayOutputStream();
            properties.write(0x26);
            RawClient.string(properties, "accept");
            RawClient.string(properties, accept);
            connect.write(properties.size());
            connect.writeBytes(properties.toByteArray());
            RawClient.string(connect, clientId);
            RawClient.string(connect, "admin");
            RawClient.string(connect, "s3cret");
            client.send(RawClient.packet(0x10, connect.toByteArray()));
            client.read(); // CONNACK
            ByteArrayOutputStream subscribe = new ByteArrayOutputStream();
            subscribe.writeBytes(new byte[] {0, 1, 0});
            RawClient.string(subscribe, filter);
            subscribe.write(0);
            client.send(RawClient.packet(0x82, subscribe.toByteArray()));
            client.read(); // SUBACK
        }

        /** The next PUBLISH's content type and payload. */
        String[] publish() throws IOException {
            byte[] body = client.read().body();
            int at = 2 + ((body[0] & 0xff) << 8 | body[1] & 0xff);
            int propertiesLength = body[at++];
            int end = at + propertiesLength;
            String contentType = null;
            while (at < end) {
                int id = body[at++];
                if (id == 0x03) {
                    int length = (body[at] & 0xff) << 8 | body[at + 1] & 0xff;
                    contentType = new String(body, at + 2, length, StandardCharsets.UTF_8);
                    at += 2 + length;
                } else if (id == 0x01) {
                    at += 1;
                } else {
                    throw new AssertionError("unexpected property " + id);
                }
            }
            return new String[] {contentType, new String(java.util.Base64.getEncoder().encode(
                    java.util.Arrays.copyOfRange(body, end, body.length)), StandardCharsets.UTF_8)};
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }

    @Test
    void aThousandSubscribersInTwoFormatsCostTwoEncodingsAtMost() throws Exception {
        try (InProcessServer server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--mqtt-port", Integer.toString(ServerProcess.freePort()), "--data", folder.resolve("data").toString())) {
            RestClient admin = new RestClient(server.awaitReady(), "admin", "s3cret");
            List<Subscriber> subscribers = new ArrayList<>();
            try {
                for (int i = 0; i < 1_000; i++) {
                    subscribers.add(new Subscriber(server.mqttPort(), "fan-" + i,
                            i % 2 == 0 ? "application/json" : "application/x-msgpack", "Dog/fan"));
                }
                double before = encodings(admin);
                assertThat(admin.putJson("/Dog/fan", "{\"name\":\"Fan\",\"age\":9}").statusCode(), is(204));
                List<String[]> received = new ArrayList<>();
                for (Subscriber subscriber : subscribers) {
                    received.add(subscriber.publish());
                }
                assertThat(encodings(admin) - before, lessThanOrEqualTo(2.0));
                JsonNode expected = RestClient.json(admin.get("/Dog/fan", "application/json"));
                for (int i = 0; i < subscribers.size(); i++) {
                    byte[] payload = java.util.Base64.getDecoder().decode(received.get(i)[1]);
                    if (i % 2 == 0) {
                        assertThat(received.get(i)[0], is("application/json"));
                        assertThat(RestClient.read(RestClient.JSON, payload), equalTo(expected));
                    } else {
                        assertThat(received.get(i)[0], is("application/x-msgpack"));
                        assertThat(RestClient.read(RestClient.MSGPACK, payload), equalTo(expected));
                    }
                }
            } finally {
                for (Subscriber subscriber : subscribers) {
                    subscriber.close();
                }
            }
        }
    }

    private static double encodings(RestClient client) {
        String metrics = new String(client.get("/observe/metrics", "text/plain").body(), StandardCharsets.UTF_8);
        Matcher m = ENCODINGS.matcher(metrics);
        assertThat(metrics, m.find(), is(true));
        return Double.parseDouble(m.group(1));
    }
}
