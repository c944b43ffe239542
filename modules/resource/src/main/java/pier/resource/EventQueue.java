package pier.resource;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between whoever produces events (the fan-out, a resource's producer), which never
 * waits, and the one protocol thread that reads them, which does. What happens when it is full is its
 * overflow policy: refuse (the owner then closes the stream with a reason), or drop and say how many
 * with a {@link Event.Gap} before the next event that fits. Closing wakes a waiting reader, which still
 * gets what was queued before the close.
 */
public final class EventQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private final int capacity;
    private final SubscribeOptions.Overflow overflow;
    private long dropped;
    private boolean closed;

    /**
     * @param capacity how many events may wait
     * @param overflow what a full queue does with one more
     */
    public EventQueue(int capacity, SubscribeOptions.Overflow overflow) {
        this.capacity = capacity;
        this.overflow = overflow;
    }

    /**
     * Adds an event; never waits.
     *
     * @param event the event
     * @return false when it did not fit and the policy is {@code CLOSE}: the owner closes the stream
     */
    public boolean offer(Event event) {
        lock.lock();
        try {
            if (closed) {
                return true;
            }
            if (dropped > 0) {
                if (events.size() >= capacity - 1) { // the gap and the event both need a place
                    dropped++;
                    return true;
                }
                events.add(new Event.Gap(dropped, event.sequence()));
                dropped = 0;
            }
            if (events.size() >= capacity) {
                if (overflow == SubscribeOptions.Overflow.CLOSE) {
                    return false;
                }
                dropped++;
                return true;
            }
            events.add(event);
            arrived.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next event, waiting for one.
     *
     * @param timeout how long to wait
     * @return the event, or empty on time-out or once closed and drained
     * @throws InterruptedException when interrupted while waiting
     */
    public Optional<Event> poll(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (events.isEmpty() && !closed && nanos > 0) {
                nanos = arrived.awaitNanos(nanos);
            }
            return Optional.ofNullable(events.poll());
        } finally {
            lock.unlock();
        }
    }

    /** Takes no more events and wakes a waiting reader. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
