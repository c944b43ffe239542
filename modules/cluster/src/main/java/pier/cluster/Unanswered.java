package pier.cluster;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import io.nats.client.Connection;

/**
 * JetStream requests that go unanswered while the connection says it is up. A few in a row make the
 * connection anew: after a NATS server was killed and started again under its clients, a client was seen
 * reconnected yet hearing no answer to any request, shipping and applying nothing, until it reconnected.
 */
final class Unanswered {

    private static final System.Logger LOG = System.getLogger(Unanswered.class.getName());
    private static final int IN_A_ROW = 3;

    private final Connection nats;
    private final AtomicInteger inARow = new AtomicInteger();

    Unanswered(Connection nats) {
        this.nats = nats;
    }

    /** A request was answered. */
    void answered() {
        inARow.set(0);
    }

    /** A request timed out. */
    void timedOut() {
        if (inARow.incrementAndGet() < IN_A_ROW || nats.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        inARow.set(0);
        LOG.log(System.Logger.Level.WARNING, "cluster: " + IN_A_ROW + " JetStream requests in a row went unanswered; "
                + "connecting to NATS again");
        try {
            nats.forceReconnect();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: connecting to NATS again failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
