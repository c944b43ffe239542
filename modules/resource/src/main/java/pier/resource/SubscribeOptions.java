package pier.resource;

/**
 * How a subscription behaves.
 *
 * @param capacity     how many events may wait for the subscriber before the overflow policy applies
 * @param overflow     what happens when the subscriber falls that far behind
 * @param currentState whether the current state is sent first (MQTT retain handling may turn it off)
 * @param resumeAfter  a feed position to resume after (SSE {@code Last-Event-ID}): the changes after it
 *                     replace the current state; -1 for none
 */
public record SubscribeOptions(int capacity, Overflow overflow, boolean currentState, long resumeAfter) {

    /**
     * Options that do not resume.
     *
     * @param capacity     how many events may wait
     * @param overflow     what happens beyond that
     * @param currentState whether the current state is sent first
     */
    public SubscribeOptions(int capacity, Overflow overflow, boolean currentState) {
        this(capacity, overflow, currentState, -1);
    }

    /**
     * These options, resuming after a feed position.
     *
     * @param position the last position the subscriber saw
     * @return a copy that resumes
     */
    public SubscribeOptions resumingAfter(long position) {
        return new SubscribeOptions(capacity, overflow, currentState, position);
    }

    /**
     * 10,000 waiting events (a bulk write of thousands of records is one burst; queues grow as they
     * fill, so the bound costs nothing until used), closing a subscriber that falls further behind,
     * current state first.
     */
    public static final SubscribeOptions DEFAULT = new SubscribeOptions(10_000, Overflow.CLOSE, true);

    /** What to do when a subscriber falls behind; the writer never waits. */
    public enum Overflow {
        /** Beyond the capacity, close the subscription with a reason. */
        CLOSE,
        /** Beyond the capacity, drop events and deliver one {@link Event.Gap} marker counting them when room returns. */
        DROP,
        /**
         * Delivery mode {@code latest}: an event about a record that still has one waiting replaces it (in
         * the place of the newest), after an {@link Event.Merged} marker that counts the changes replaced;
         * so a subscriber that falls behind gets the newest value of each record, and is never cut off.
         * Beyond the capacity in records, as {@link #DROP}.
         */
        LATEST
    }

    /**
     * Checks the capacity.
     *
     * @throws IllegalArgumentException when it is not positive
     */
    public SubscribeOptions {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
    }
}
