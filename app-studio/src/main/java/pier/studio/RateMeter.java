package pier.studio;

import java.util.concurrent.atomic.LongAdder;

/**
 * Messages per second between two readings: {@link #record()} is called on the client's thread for every
 * message; {@link #rate(long)} by the chart once a second. Every message is in exactly one reading, however
 * late a reading comes (a busy JavaFX thread), so a burst is never missed between two of them.
 */
final class RateMeter {

    private final LongAdder received = new LongAdder();
    private long readAt; // the chart's thread only
    private long readCount;

    /**
     * A meter whose first reading covers what came since now.
     *
     * @param nanos now, from {@link System#nanoTime()}
     */
    RateMeter(long nanos) {
        readAt = nanos;
    }

    /** Counts one message. */
    void record() {
        received.increment();
    }

    /**
     * The messages per second since the last reading (the first: since the meter was made).
     *
     * @param nanos now, from {@link System#nanoTime()}
     * @return the rate
     */
    double rate(long nanos) {
        long count = received.sum();
        double rate = nanos <= readAt ? 0 : (count - readCount) * 1e9 / (nanos - readAt);
        readAt = nanos;
        readCount = count;
        return rate;
    }
}
