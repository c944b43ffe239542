package pier.engine;

import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.Optional;

import pier.resource.Event;
import pier.resource.EventQueue;
import pier.resource.SlowClients;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

/**
 * A subscription: first the current state (an iterator read lazily), then the {@code SYNCED} marker,
 * then changes from a bounded queue that the writer fills without ever waiting. Changes at or before
 * the position the state was taken at are already in the state and are skipped.
 */
final class QueueSubscription implements Subscription {

    private final EventQueue live;
    private final SubscribeOptions options;
    private final long position;
    private final java.util.function.Consumer<QueueSubscription> detach;
    private final java.util.List<Runnable> closeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.function.UnaryOperator<Event> filter;
    private Iterator<Event> state;
    private boolean syncedSent;
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
        this.live = new EventQueue(options.capacity(), options.overflow());
        this.options = options;
        this.position = position;
        this.state = options.currentState() ? state : Collections.emptyIterator();
        this.detach = detach;
    }

    /** Called by the fan-out; never blocks. */
    synchronized void offer(Event change) {
        if (closed || !(change instanceof Event.Message) && change.sequence() <= position) {
            return;
        }
        Event event = filter.apply(change);
        if (event != null && !live.offer(event)) {
            reason = "the subscriber fell behind by more than " + options.capacity() + " events";
            SlowClients.closed();
            close();
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
            return Optional.of(new Event.Synced(position));
        }
        return live.poll(timeout);
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
            live.close();
            closeListeners.forEach(Runnable::run);
        }
    }

    /** Closes the subscription because its subscriber lost the right to it; the reason is kept. */
    void revoke(String why) {
        reason = why;
        close();
    }
}
