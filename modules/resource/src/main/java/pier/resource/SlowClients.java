package pier.resource;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts subscriptions and connection streams ended because their client fell further behind than its
 * queue holds (the overflow policy {@link SubscribeOptions.Overflow#CLOSE}), for the server's metrics.
 */
public final class SlowClients {

    private static final LongAdder CLOSED = new LongAdder();

    private SlowClients() {
    }

    /** Records that one was closed. */
    public static void closed() {
        CLOSED.increment();
    }

    /**
     * How many were closed since the start.
     *
     * @return the count
     */
    public static long closedTotal() {
        return CLOSED.sum();
    }
}
