package pier.studio;

/**
 * Messages per second over the last minute, counted in one-second buckets. {@link #record(long)} is called
 * on the client's thread for every message; {@link #rate(long)} by the chart once a second.
 */
final class RateMeter {

    private static final int SECONDS = 60;

    private final long[] counts = new long[SECONDS];
    private final long[] bucketSecond = new long[SECONDS];

    /** Counts one message received at {@code millis}. */
    synchronized void record(long millis) {
        long second = millis / 1000;
        int slot = (int) (second % SECONDS);
        if (bucketSecond[slot] != second) {
            bucketSecond[slot] = second;
            counts[slot] = 0;
        }
        counts[slot]++;
    }

    /** The number of messages received in the whole second before the one holding {@code millis}. */
    synchronized long rate(long millis) {
        long second = millis / 1000 - 1;
        int slot = (int) (second % SECONDS);
        return bucketSecond[slot] == second ? counts[slot] : 0;
    }
}
