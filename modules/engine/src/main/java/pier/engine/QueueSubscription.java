package pier.engine;

import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.Optional;

import pier.resource.Event;
import pier.resource.QueuedSubscription;
import pier.resource.SubscribeOptions;

/**
 * A subscription: first the current state (an iterator read lazily), then the {@code SYNCED} marker,
 * then changes from a bounded queue that the writer fills without ever waiting. Changes at or before
 * the position the state was taken at are already in the state and are skipped.
 */
final class QueueSubscription extends QueuedSubscription {

    private final long position;
    private final java.util.function.Consumer<QueueSubscription> detach;
    private final java.util.function.UnaryOperator<Event> filter;
    private Iterator<Event> state;
    private boolean syncedSent;

    QueueSubscription(SubscribeOptions options, long position, Iterator<Event> state,
                      java.util.function.Consumer<QueueSubscription> detach) {
        this(options, position, state, detach, java.util.function.UnaryOperator.identity());
    }

    /** A subscription whose changes pass a filter first (a live query); null from the filter drops one. */
    QueueSubscription(SubscribeOptions options, long position, Iterator<Event> state,
                      java.util.function.Consumer<QueueSubscription> detach,
                      java.util.function.UnaryOperator<Event> filter) {
        super(options.capacity(), options.overflow());
        this.filter = filter;
        this.position = position;
        this.state = options.currentState() ? state : Collections.emptyIterator();
        this.detach = detach;
    }

    /** Called by the fan-out; never blocks. */
    synchronized void offer(Event change) {
        if (isClosed() || !(change instanceof Event.Message) && change.sequence() <= position) {
            return;
        }
        Event event = filter.apply(change);
        if (event != null) {
            queue(event, "events");
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
        return super.next(timeout);
    }

    @Override
    protected void closing() {
        detach.accept(this);
    }

    /** Closes the subscription because its subscriber lost the right to it; the reason is kept. */
    void revoke(String why) {
        close(why);
    }
}
