package pier.protocol.mqtt;

import pier.mqtt.testing.RawClient;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static pier.mqtt.testing.RawClient.bytes;
import static pier.mqtt.testing.RawClient.connect;
import static pier.mqtt.testing.RawClient.packet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Packets no conforming client sends close that one connection, with a v5 DISCONNECT naming the
 * reason where the protocol has one, and leave the broker serving everyone else.
 */
class HostileInputTest {

    TestBroker server;

    @BeforeEach
    void start() throws InterruptedException {
        server = new TestBroker(false, new MqttSettings(1 << 20, 1024, Duration.ofHours(1), 10_000, 10,
                Duration.ofDays(1), Duration.ofSeconds(10)));
    }

    @AfterEach
    void stillServing() throws IOException {
        try (RawClient good = new RawClient(server.port())) {
            good.send(connect(4, "good", 60, null, null));
            assertThat(good.read().type(), is(2)); // CONNACK
        } finally {
            server.close();
        }
    }

    private static int disconnectReason(List<RawClient.Packet> packets) {
        RawClient.Packet last = packets.getLast();
        assertThat("a DISCONNECT", last.type(), is(14));
        return last.body()[0] & 0xff;
    }

    private RawClient connected(int level) throws IOException {
        RawClient client = new RawClient(server.port());
        client.send(connect(level, "raw" + level + System.nanoTime(), 60, null, null));
        RawClient.Packet connAck = client.read();
        assertThat(connAck.type(), is(2));
        return client;
    }

    @Test
    void publishBeforeConnectClosesWithoutAnswer() throws IOException {
        try (RawClient client = new RawClient(server.port())) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            RawClient.string(body, "t");
            body.writeBytes(bytes('x'));
            client.send(packet(0x30, body.toByteArray()));
            assertThat(client.untilClosed(), empty());
        }
    }

    @Test
    void aSecondConnectIsAProtocolError() throws IOException {
        try (RawClient client = connected(5)) {
            client.send(connect(5, "again", 60, null, null));
            assertThat(disconnectReason(client.untilClosed()), is(0x82));
        }
    }

    @Test
    void anOversizePacketIsRefusedAsTooLarge() throws IOException {
        try (RawClient client = connected(5)) {
            // a PUBLISH announcing 2 MiB: refused from its header, before the body arrives
            client.send(bytes(0x30, 0x80, 0x80, 0x80, 0x01));
            assertThat(disconnectReason(client.untilClosed()), is(0x95));
        }
    }

    @Test
    void aRemainingLengthOfFiveBytesIsMalformed() throws IOException {
        try (RawClient client = connected(5)) {
            client.send(bytes(0x30, 0xff, 0xff, 0xff, 0xff, 0x7f));
            List<RawClient.Packet> packets = client.untilClosed();
            if (!packets.isEmpty()) {
                assertThat(disconnectReason(packets) >= 0x80, is(true));
            }
        }
    }

    @Test
    void invalidUtf8InATopicIsMalformed() throws IOException {
        try (RawClient client = connected(5)) {
            client.send(packet(0x30, bytes(0x00, 0x02, 0xc3, 0x28, 0x00, 'x')));
            assertThat(disconnectReason(client.untilClosed()), is(0x81));
        }
    }

    @Test
    void aWildcardInAPublishedTopicIsInvalid() throws IOException {
        try (RawClient client = connected(5)) {
            client.send(packet(0x30, bytes(0x00, 0x03, 'a', '/', '#', 0x00, 'x')));
            assertThat(disconnectReason(client.untilClosed()), is(0x90));
        }
    }

    @Test
    void aTopicAliasAboveTheMaximumIsInvalid() throws IOException {
        try (RawClient client = connected(5)) {
            // properties: length 3, Topic Alias (0x23) = 17
            client.send(packet(0x30, bytes(0x00, 0x01, 'a', 0x03, 0x23, 0x00, 17, 'x')));
            assertThat(disconnectReason(client.untilClosed()), is(0x94));
        }
    }

    @Test
    void aTopicAliasNeverSetIsAProtocolError() throws IOException {
        try (RawClient client = connected(5)) {
            client.send(packet(0x30, bytes(0x00, 0x00, 0x03, 0x23, 0x00, 0x02, 'x')));
            assertThat(disconnectReason(client.untilClosed()), is(0x82));
        }
    }

    @Test
    void aFloodOfSubscriptionsExceedsTheQuota() throws IOException {
        try (RawClient client = connected(5)) {
            for (int i = 1; i <= 11; i++) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.writeBytes(bytes(0x00, i, 0x00));
                RawClient.string(body, "flood/" + i);
                body.write(0x01);
                client.send(packet(0x82, body.toByteArray()));
            }
            List<RawClient.Packet> packets = client.untilClosed();
            assertThat(packets.size(), is(11)); // ten SUBACKs, then the DISCONNECT
            assertThat(disconnectReason(packets), is(0x97));
        }
    }

    @Test
    void aReservedPacketTypeClosesAVersion4Connection() throws IOException {
        try (RawClient client = connected(4)) {
            client.send(bytes(0xf0, 0x00));
            assertThat(client.untilClosed(), empty());
        }
    }

    @Test
    void aSilentClientIsDroppedAfterOneAndAHalfKeepAlivesAndItsWillIsPublished() throws Exception {
        try (RawClient watcher = connected(4); RawClient silent = new RawClient(server.port())) {
            ByteArrayOutputStream subscribe = new ByteArrayOutputStream();
            subscribe.writeBytes(bytes(0x00, 0x01));
            RawClient.string(subscribe, "last/#");
            subscribe.write(0x01);
            watcher.send(packet(0x82, subscribe.toByteArray()));
            assertThat(watcher.read().type(), is(9)); // SUBACK
            silent.send(connect(4, "silent", 1, "last/silent", "bye"));
            assertThat(silent.read().type(), is(2));
            long start = System.nanoTime();
            assertThat(silent.untilClosed(), empty());
            assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 1_000, is(true));
            RawClient.Packet will = watcher.read();
            assertThat(will.type(), is(3));
            assertThat(new String(will.body(), java.nio.charset.StandardCharsets.UTF_8).endsWith("bye"), is(true));
        }
    }

    @Test
    void aTruncatedPacketFromAClientThatLeavesHarmsNoOne() throws IOException {
        try (RawClient client = new RawClient(server.port())) {
            client.send(bytes(0x10, 0x40, 0x00, 0x04, 'M', 'Q'));
        }
    }
}
