package pier.resource;

import java.time.Duration;
import java.util.Optional;

/**
 * A bounded stream of {@link Event}s: the current state, a {@code SYNCED} marker with the feed
 * position, then every change in commit order. Read it from one thread; close it when done.
 */
public interface Subscription extends AutoCloseable {

    /**
     * Waits for the next event.
     *
     * @param timeout how long to wait
     * @return the event, or empty when none came in time or the subscription is closed and drained
     * @throws InterruptedException when interrupted while waiting
     */
    Optional<Event> next(Duration timeout) throws InterruptedException;

    /**
     * How many events wait for the reader, for the queue depth a connection reports.
     *
     * @return the count; 0 when the subscription does not know
     */
    default int waiting() {
        return 0;
    }

    /**
     * Why the subscription ended, once it has.
     *
     * @return the reason (e.g. the subscriber fell behind), or empty while open or after a plain close
     */
    Optional<String> closeReason();

    /**
     * Whether no more events will come after those already waiting.
     *
     * @return true once closed
     */
    boolean isClosed();

    /**
     * Registers a listener for the end of the subscription, by {@link #close()} or by the overflow
     * policy; a protocol uses it to stop a write that waits on a client that no longer reads.
     *
     * @param listener called once when the subscription closes (at once when it already is)
     */
    void onClose(Runnable listener);

    /**
     * Asks to be told when an event may be waiting, so that a reader can take events with
     * {@code next(Duration.ZERO)} on a thread of its choosing (a protocol's event loop) instead of waiting
     * in {@link #next} on a thread of its own. The listener runs on the producer's thread, after each event
     * and once at the end, and must not block.
     *
     * @param listener what to tell
     * @return whether this subscription tells; the default does not, and its reader waits in {@code next}
     */
    default boolean onArrival(Runnable listener) {
        return false;
    }

    /** Ends the subscription; a reader waiting in {@link #next} returns at once, and waiting events are discarded. */
    @Override
    void close();
}
