package pier.protocol.mqtt;

import pier.mqtt.testing.RawClient;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static pier.mqtt.testing.RawClient.bytes;
import static pier.mqtt.testing.RawClient.connect;
import static pier.mqtt.testing.RawClient.connect5;
import static pier.mqtt.testing.RawClient.packet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rows of {@code docs/mqtt-conformance.md}: each "MUST close" or "is a Malformed Packet / Protocol
 * Error" statement of MQTT 3.1.1 and 5.0 about a packet a client sends, sent as raw bytes. Version 5
 * gets the reason (CONNACK or DISCONNECT 0x81 / 0x82), 3.1.1 a closed connection; never a wedged one.
 */
class ConformanceTest {

    static TestBroker server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = new TestBroker(false, MqttSettings.DEFAULT.withMaxKeepAlive(Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawClient connected(int level) throws IOException {
        RawClient client = new RawClient(server.port());
        client.send(connect(level, "c" + level + "-" + System.nanoTime(), 60, null, null));
        assertThat(client.read().type(), is(2));
        return client;
    }

    /** A connected client sends {@code hex}: v5 gets DISCONNECT with {@code reason}, 3.1.1 is closed. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "MQTT-2.2.2-2 reserved flags of PINGREQ; c1 00; 0x81",
        "MQTT-2.2.2-2 reserved flags of SUBSCRIBE; 80 06 00 01 00 01 61 00; 0x81",
        "MQTT-2.2.1-3 SUBSCRIBE with packet identifier 0; 82 06 00 00 00 01 61 00; 0x81",
        "MQTT-3.3.1-4 PUBLISH with QoS 3; 36 05 00 01 61 00 01; 0x81",
        "MQTT-3.3.2-1 PUBLISH whose topic runs past the packet; 30 03 00 05 61; 0x81",
        "MQTT-3.8.3-1 SUBSCRIBE whose filter runs past the packet; 82 04 00 01 00 09; 0x81",
        "MQTT-3.8.3-3 SUBSCRIBE without a filter; 82 02 00 01; 0x82",
        "MQTT-3.8.3-4 SUBSCRIBE with QoS 3; 82 06 00 01 00 01 61 03; 0x81",
        "MQTT-3.10.3-2 UNSUBSCRIBE without a filter; a2 02 00 01; 0x82",
        "MQTT-3.1.0-2 a second CONNECT; 10 0d 00 04 4d 51 54 54 05 02 00 3c 00 00 00; 0x82",
        "MQTT-2.2.2-2 a packet type clients never send (CONNACK); 20 02 00 00; 0x81",
    })
    void aConnectedClientsBrokenPacketEndsItsConnection(String rule, String hex, String reason) throws IOException {
        byte[] packet = java.util.HexFormat.ofDelimiter(" ").parseHex(hex);
        // the same bytes in 3.1.1 framing: v5 packets carry a properties length the 3.1.1 form lacks
        try (RawClient client = connected(4)) {
            client.send(packet);
            assertThat(rule + " (3.1.1)", client.untilClosed(), empty());
        }
        try (RawClient client = connected(5)) {
            client.send(version5(packet));
            List<RawClient.Packet> answer = client.untilClosed();
            assertThat(rule + " (5.0)", answer.getLast().type(), is(14));
            assertThat(rule + " (5.0)", answer.getLast().body()[0] & 0xff, is(Integer.decode(reason)));
        }
    }

    // inserts the empty properties a v5 SUBSCRIBE, UNSUBSCRIBE or PUBLISH carries
    private static byte[] version5(byte[] packet) {
        int type = (packet[0] & 0xff) >> 4;
        int at = switch (type) {
            case 8, 10 -> 4;               // after the packet identifier
            case 3 -> packet.length >= 4 && 4 + (packet[3] & 0xff) < packet.length ? 4 + (packet[3] & 0xff) : -1;
            default -> -1;
        };
        if (at < 0 || (packet[1] & 0xff) < 2) {
            return packet;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(packet[0]);
        out.write(packet[1] + 1);
        out.write(packet, 2, at - 2);
        out.write(0);
        out.write(packet, at, packet.length - at);
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "MQTT-3.1.2-12 Will QoS 3; 3",
        "MQTT-3.1.2-11 Will QoS without a will; 1",
        "MQTT-3.1.2-3 the reserved CONNECT flag; 0",
    })
    void aBrokenConnectIsRefused(String rule, int variant) throws IOException {
        for (int level : new int[] {4, 5}) {
            ByteArrayOutputStream v = new ByteArrayOutputStream();
            RawClient.string(v, "MQTT");
            v.write(level);
            v.write(switch (variant) {
                case 3 -> 0x02 | 0x04 | 0x18;   // will, QoS 3
                case 1 -> 0x02 | 0x08;          // QoS 1, no will
                default -> 0x02 | 0x01;         // reserved bit
            });
            v.writeBytes(bytes(0, 60));
            if (level == 5) {
                v.write(0);
            }
            RawClient.string(v, "broken");
            if (variant == 3) {
                if (level == 5) {
                    v.write(0);
                }
                RawClient.string(v, "w");
                RawClient.string(v, "x");
            }
            try (RawClient client = new RawClient(server.port())) {
                client.send(packet(0x10, v.toByteArray()));
                List<RawClient.Packet> answer = client.untilClosed();
                if (level == 4) {
                    assertThat(rule + " (3.1.1)", answer, empty());
                } else {
                    assertThat(rule + " (5.0)", answer.getFirst().type(), is(2));
                    assertThat(rule + " (5.0)", answer.getFirst().body()[1] & 0xff, is(0x81));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "3.1.2.11.3 Receive Maximum 0; 21 00 00; 0x82",
        "3.1.2.11.4 Maximum Packet Size 0; 27 00 00 00 00; 0x82",
        "3.1.2.11.2 Session Expiry Interval twice; 11 00 00 00 05 11 00 00 00 06; 0x82",
        "3.1.2.11.6 Request Problem Information 2; 17 02; 0x82",
        "3.1.3 enhanced authentication (Authentication Method); 15 00 01 78; 0x8c",
    })
    void aVersion5ConnectWithABrokenPropertyIsRefused(String rule, String hex, String reason) throws IOException {
        try (RawClient client = new RawClient(server.port())) {
            client.send(connect5("props", java.util.HexFormat.ofDelimiter(" ").parseHex(hex)));
            List<RawClient.Packet> answer = client.untilClosed();
            assertThat(rule, answer.getFirst().type(), is(2));
            assertThat(rule, answer.getFirst().body()[1] & 0xff, is(Integer.decode(reason)));
        }
    }

    /** Rules of MQTT 5 alone, sent in its framing by a connected v5 client (session expiry 0). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "3.8.3.1 Retain Handling 3; 82 07 00 01 00 00 01 61 31; 0x82",
        "3.3.4-6 a Subscription Identifier in a PUBLISH; 30 07 00 01 61 02 0b 01 78; 0x82",
        "3.12 PINGREQ with a body; c0 01 00; 0x81",
        "3.8.3-4 No Local on a shared subscription; 82 10 00 01 00 00 0a 24 73 68 61 72 65 2f 67 2f 74 05; 0x82",
        "3.14.2.2.2 Session Expiry set by DISCONNECT after 0; e0 07 00 05 11 00 00 00 05; 0x82",
        "3.3.2 a property that does not exist; 30 06 00 01 61 01 7f 78; 0x81",
    })
    void aVersion5ClientsBrokenPacketEndsItsConnection(String rule, String hex, String reason) throws IOException {
        try (RawClient client = connected(5)) {
            client.send(java.util.HexFormat.ofDelimiter(" ").parseHex(hex));
            List<RawClient.Packet> answer = client.untilClosed();
            assertThat(rule, answer.getLast().type(), is(14));
            assertThat(rule, answer.getLast().body()[0] & 0xff, is(Integer.decode(reason)));
        }
    }

    @Test
    void aVersion311PasswordWithoutAUserNameIsRefused() throws IOException {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        RawClient.string(v, "MQTT");
        v.writeBytes(bytes(4, 0x42, 0, 60));
        RawClient.string(v, "no-user");
        RawClient.string(v, "secret");
        try (RawClient client = new RawClient(server.port())) {
            client.send(packet(0x10, v.toByteArray()));
            assertThat(client.untilClosed(), empty());
        }
    }

    @Test
    void everyPubrecOwedGoesOutBeforeTheReceiveMaximumDisconnect() throws IOException {
        try (RawClient client = connected(5)) {
            ByteArrayOutputStream flood = new ByteArrayOutputStream();
            for (int id = 1; id <= 1_025; id++) {
                flood.writeBytes(packet(0x34, bytes(0x00, 0x01, 'q', id >> 8, id & 0xff, 0x00, 'x')));
            }
            client.send(flood.toByteArray());
            List<RawClient.Packet> answer = client.untilClosed();
            assertThat(answer.stream().filter(p -> p.type() == 5).count(), is(1_024L));
            assertThat(answer.getLast().type(), is(14));
            assertThat(answer.getLast().body()[0] & 0xff, is(0x93));
        }
    }

    @Test
    void theServersMaximumKeepAliveIsAnnouncedAndHeldToByEveryVersion() throws IOException {
        try (RawClient v5 = new RawClient(server.port())) {
            v5.send(connect(5, "keep-5", 0, null, null));
            RawClient.Packet connAck = v5.read();
            // properties: ... Server Keep Alive (0x13) = 2
            assertThat(containsProperty(connAck.body(), bytes(0x13, 0x00, 0x02)), is(true));
        }
        try (RawClient v4 = new RawClient(server.port())) {
            v4.send(connect(4, "keep-4", 0, null, null));
            assertThat(v4.read().type(), is(2));
            long start = System.nanoTime();
            assertThat(v4.untilClosed(), empty()); // silent: closed after 1.5 x the server's 2 s
            assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 2_500, is(true));
        }
    }

    private static boolean containsProperty(byte[] body, byte[] property) {
        for (int i = 0; i + property.length <= body.length; i++) {
            if (java.util.Arrays.equals(body, i, i + property.length, property, 0, property.length)) {
                return true;
            }
        }
        return false;
    }
}
