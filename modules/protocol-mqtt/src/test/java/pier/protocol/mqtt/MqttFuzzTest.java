package pier.protocol.mqtt;

import pier.mqtt.testing.RawClient;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import pier.protocol.WebSocketSubProtocol;

/**
 * Any bytes a client sends go through the whole MQTT path — the packet check, Netty's decoder and the
 * connection's state machine, here over the WebSocket transport with an in-memory peer — and end that
 * connection at worst: nothing escapes, nothing is logged as a failure of ours, and the connection is
 * reaped once its transport ends. Inputs start with a valid CONNECT half of the time, so the fuzzer
 * reaches the connected states.
 */
class MqttFuzzTest {

    private static final byte[] CONNECT = RawClient.connect(5, "fuzz", 60, "will/fuzz", "bye");
    private static final List<LogRecord> FAILURES = new CopyOnWriteArrayList<>();
    private static final Handler WATCH = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                FAILURES.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static TestBroker server;
    static MqttWebSocket webSocket;

    @BeforeAll
    static void start() throws InterruptedException {
        server = new TestBroker(false, MqttSettings.DEFAULT);
        webSocket = new MqttWebSocket(server.broker);
        Logger.getLogger("pier.protocol.mqtt").addHandler(WATCH);
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("pier.protocol.mqtt").removeHandler(WATCH);
        server.close();
    }

    /** A peer that keeps nothing: what the broker sends is dropped, a close is noted. */
    private static final class Discard implements WebSocketSubProtocol.Peer {
        @Override
        public void send(byte[] frame) {
        }

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public String remoteAddress() {
            return "fuzz";
        }
    }

    @FuzzTest(maxDuration = "10s")
    void anyBytesEndOnlyTheirConnection(byte[] input) {
        WebSocketSubProtocol.Connection connection = webSocket.open(new Discard(), WebSocketSubProtocol.Handshake.NONE);
        if (input.length > 0 && (input[0] & 1) == 1) {
            connection.receive(CONNECT);
        }
        connection.receive(input);
        connection.closed();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.broker.openConnections() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("a connection was not reaped after its transport ended");
            }
            Thread.onSpinWait();
        }
        if (!FAILURES.isEmpty()) {
            LogRecord first = FAILURES.getFirst();
            FAILURES.clear();
            throw new AssertionError("logged as a failure: " + first.getMessage(), first.getThrown());
        }
    }
}
