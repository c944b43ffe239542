package pier.resource;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between whoever produces events (the fan-out, a resource's producer), which never
 * waits, and the one protocol thread that reads them, which does. What happens when it is full is its
 * overflow policy: refuse (the owner then closes the stream with a reason), or drop and say how many
 * with a {@link Event.Gap} before the next event that fits; with {@code LATEST} an event about a record
 * that has one waiting takes its place at the end (see {@link SubscribeOptions.Overflow#LATEST}). Closing
 * wakes a waiting reader, which still gets what was queued before the close.
 */
public final class EventQueue {

    /** A place in the queue; with {@code LATEST} an older event of the same record empties it. */
    private static final class Slot {
        Event event;
        long merged;

        Slot(Event event, long merged) {
            this.event = event;
            this.merged = merged;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    // LATEST: the slot of each record's waiting event
    private final Map<String, Slot> waiting = new HashMap<>();
    private final int capacity;
    private final SubscribeOptions.Overflow overflow;
    private int size;
    private long dropped;
    private Event afterMarker;
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
            long merged = replace(event);
            if (dropped > 0) {
                if (size >= capacity - 1) { // the gap and the event both need a place
                    dropped++;
                    return true;
                }
                add(new Event.Gap(dropped, event.sequence()), 0);
                dropped = 0;
            }
            if (size >= capacity) {
                if (overflow == SubscribeOptions.Overflow.CLOSE) {
                    return false;
                }
                dropped += 1 + merged;
                return true;
            }
            Slot slot = add(event, merged);
            if (overflow == SubscribeOptions.Overflow.LATEST && !event.id().isEmpty()) {
                waiting.put(event.id(), slot);
            }
            arrived.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    // LATEST: empties the slot of the record's waiting event; returns how many changes the new one replaces
    private long replace(Event event) {
        if (overflow != SubscribeOptions.Overflow.LATEST || event.id().isEmpty()) {
            return 0;
        }
        Slot older = waiting.remove(event.id());
        if (older == null) {
            return 0;
        }
        older.event = null;
        size--;
        if (slots.size() > 2 * size + 64) {
            slots.removeIf(slot -> slot.event == null); // emptied slots never outnumber the events for long
        }
        return older.merged + 1;
    }

    private Slot add(Event event, long merged) {
        Slot slot = new Slot(event, merged);
        slots.add(slot);
        size++;
        return slot;
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
            if (afterMarker != null) {
                Event next = afterMarker;
                afterMarker = null;
                return Optional.of(next);
            }
            long nanos = timeout.toNanos();
            while (size == 0 && !closed && nanos > 0) {
                nanos = arrived.awaitNanos(nanos);
            }
            return Optional.ofNullable(take());
        } finally {
            lock.unlock();
        }
    }

    // the next event, a Merged marker first when it replaced others
    private Event take() {
        Slot slot = slots.poll();
        while (slot != null && slot.event == null) {
            slot = slots.poll();
        }
        if (slot == null) {
            return null;
        }
        size--;
        Event event = slot.event;
        if (overflow == SubscribeOptions.Overflow.LATEST) {
            waiting.remove(event.id(), slot);
        }
        if (slot.merged == 0) {
            return event;
        }
        afterMarker = event;
        return new Event.Merged(slot.merged, event.sequence());
    }

    /**
     * How many events wait for the reader.
     *
     * @return the count
     */
    public int size() {
        lock.lock();
        try {
            return size;
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
