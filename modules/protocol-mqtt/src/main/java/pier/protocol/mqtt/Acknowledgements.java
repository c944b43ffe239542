package pier.protocol.mqtt;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.handler.codec.mqtt.MqttMessageType;

/**
 * The answers a connection owes its client's publishes (PUBACK for QoS 1, PUBREC for QoS 2), sent in
 * the order the publishes came (MQTT-4.6.0-2, -3) as soon as what each waits for is durable: the
 * connection reads on meanwhile, and the publishes of one connection share commits. Publishes whose
 * writes are not yet durable, and answers not yet sent, are bounded by the caller through
 * {@link #awaitRoom}.
 */
final class Acknowledgements {

    private record Owed(int qos, int packetId, CompletableFuture<Byte> reason) {
    }

    private final MqttConnection connection;
    private final AtomicBoolean draining = new AtomicBoolean();
    // guarded by this
    private final ArrayDeque<Owed> owed = new ArrayDeque<>();
    private int writing;
    private int unansweredQos1;

    Acknowledgements(MqttConnection connection) {
        this.connection = connection;
    }

    /**
     * A publish was handled; its answer (none at QoS 0) goes out once {@code reason} completes and every
     * answer owed before it has gone.
     */
    void owe(int qos, int packetId, CompletableFuture<Byte> reason) {
        boolean pending = !reason.isDone();
        synchronized (this) {
            if (qos > 0) {
                owed.add(new Owed(qos, packetId, reason));
                unansweredQos1 += qos == 1 ? 1 : 0;
            }
            if (pending) {
                writing++;
            }
        }
        if (pending) {
            reason.whenComplete((done, failure) -> {
                drainSoon(); // first: whoever awaits the writes may close the transport right after
                synchronized (this) {
                    writing--;
                    notifyAll();
                }
            });
        } else if (qos > 0) {
            drainSoon();
        }
    }

    /** How many QoS 1 publishes have not been answered yet (QoS 2 ones count until their PUBREL). */
    synchronized int unansweredQos1() {
        return unansweredQos1;
    }

    /** Whether fewer than {@code limit} answers are owed and fewer than {@code limit} writes are pending. */
    synchronized boolean hasRoom(int limit) {
        return owed.size() < limit && writing < limit;
    }

    /** Waits until fewer than {@code limit} answers are owed and fewer than {@code limit} writes are pending. */
    synchronized void awaitRoom(int limit) throws InterruptedException {
        while (!hasRoom(limit)) {
            wait();
        }
    }

    /** Waits until every write handled so far is durable (and so its answer due). */
    synchronized void awaitWrites() throws InterruptedException {
        while (writing > 0) {
            wait();
        }
    }

    // on the transport's thread, where answers are written without a hand-over each, and flushed once
    private void drainSoon() {
        if (draining.compareAndSet(false, true)) {
            connection.transport().execute(this::drain);
        }
    }

    private void drain() {
        draining.set(false);
        boolean sent = false;
        synchronized (this) {
            while (!owed.isEmpty() && owed.peek().reason().isDone()) {
                Owed answer = owed.poll();
                unansweredQos1 -= answer.qos() == 1 ? 1 : 0;
                connection.send(connection.reply(answer.qos() == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC,
                        answer.packetId(), answer.reason().join()));
                sent = true;
            }
            notifyAll();
        }
        if (sent) {
            connection.transport().flush();
        }
    }
}
