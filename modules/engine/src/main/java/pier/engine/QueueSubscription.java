package pier.engine;

import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import pier.resource.Event;
import pier.resource.SlowClients;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

/**
 * A subscription: first the current state (an iterator read lazily), then the {@code SYNCED} marker,
 * then changes from a bounded queue that the writer fills without ever waiting. Changes at or before
 * the position the state was taken at are already in the state and are skipped.
 */
final class QueueSubscription implements Subscription {

    /** Put in the queue on close, so that a reader waiting in {@link #next} returns at once. */
    private static final Event END = new Event(Event.Type.GAP, "", Optional.empty(), 0, 0);

    private final BlockingQueue<Event> live;
    private final SubscribeOptions options;
    private final long position;
    private final java.util.function.Consumer<QueueSubscription> detach;
    private final java.util.List<Runnable> closeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.function.UnaryOperator<Event> filter;
    private Iterator<Event> state;
    private boolean syncedSent;
    private long dropped;
    private volatile boolean closed;
    private volatile String reason;

    QueueSubscription(SubscribeOptions options, long position, Iterator<Event> state,
                      java.util.function.Consumer<QueueSubscription> detach) {
        this(options, position, state, detach, java.util.function.UnaryOperator.identity());
    }

    /** A subscription whose changes pass a filter first (a live query); null from the filter drops one. */
    QueueSubscription(SubscribeOptions options, long position, Iterator<Event> state,
                      java.util.function.Consumer<QueueSubscription> detach,
                      java.util.function.UnaryOperator<Event> filter) {
        this.filter = filter;
        this.live = new LinkedBlockingQueue<>(options.capacity()); // no array of the full capacity per subscriber
        this.options = options;
        this.position = position;
        this.state = options.currentState() ? state : Collections.emptyIterator();
        this.detach = detach;
    }

    /** Called by the writer's notification; never blocks. */
    synchronized void offer(Event change) {
        if (closed || change.type() != Event.Type.MESSAGE && change.sequence() <= position) {
            return;
        }
        Event event = filter.apply(change);
        if (event == null) {
            return;
        }
        if (dropped > 0) {
            if (live.remainingCapacity() < 2) {
                dropped++;
                return;
            }
            live.add(new Event(Event.Type.GAP, "", Optional.empty(), dropped, event.sequence()));
            dropped = 0;
        }
        if (!live.offer(event)) {
            overflow();
        }
    }

    @Override
    public Optional<Event> next(Duration timeout) throws InterruptedException {
        if (state.hasNext()) {
            return Optional.of(state.next());
        }
        if (!syncedSent) {
            syncedSent = true;
            state = Collections.emptyIterator();
            return Optional.of(Event.synced(position));
        }
        if (closed && live.isEmpty()) {
            return Optional.empty();
        }
        Event next = live.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return next == END ? Optional.empty() : Optional.ofNullable(next);
    }

    @Override
    public Optional<String> closeReason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void onClose(Runnable listener) {
        closeListeners.add(listener);
        if (closed) {
            listener.run();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            detach.accept(this);
            live.offer(END); // wakes a reader waiting for the next event; a full queue wakes it anyway
            closeListeners.forEach(Runnable::run);
        }
    }

    /** Closes the subscription because its subscriber lost the right to it; the reason is kept. */
    void revoke(String why) {
        reason = why;
        close();
    }

    private void overflow() {
        if (options.overflow() == SubscribeOptions.Overflow.DROP) {
            dropped++;
        } else {
            reason = "the subscriber fell behind by more than " + options.capacity() + " events";
            SlowClients.closed();
            close();
        }
    }
}
