package pier.resource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A subscription read from an {@link EventQueue}: what {@link Outgoing} and the database's subscriptions
 * share. A producer offers events and never waits; when the queue refuses one (overflow policy
 * {@code CLOSE}) the subscription closes with the reason that its client fell behind.
 */
public abstract class QueuedSubscription implements Subscription {

    private final EventQueue queue;
    private final int capacity;
    private final List<Runnable> closeListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String reason;
    private volatile Runnable arrived = () -> { };

    /**
     * @param capacity how many events may wait for the reader
     * @param overflow what a full queue does
     */
    protected QueuedSubscription(int capacity, SubscribeOptions.Overflow overflow) {
        this.queue = new EventQueue(capacity, overflow);
        this.capacity = capacity;
    }

    /**
     * Queues an event; never waits. One that does not fit closes the subscription (policy {@code CLOSE}).
     *
     * @param event the event
     * @param unit  what the client fell behind by, for the reason ("events", "messages")
     */
    protected final void queue(Event event, String unit) {
        if (!closed.get() && !queue.offer(event)) {
            SlowClients.closed();
            close("the client fell behind by more than " + capacity + " " + unit);
        }
        arrived.run();
    }

    @Override
    public boolean onArrival(Runnable listener) {
        arrived = listener;
        return true;
    }

    /** @return what the queue holds next, waiting up to {@code timeout}; empty once closed and drained */
    @Override
    public Optional<Event> next(Duration timeout) throws InterruptedException {
        return queue.poll(timeout);
    }

    @Override
    public int waiting() {
        return queue.size();
    }

    @Override
    public Optional<String> closeReason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void onClose(Runnable listener) {
        closeListeners.add(listener);
        if (closed.get() && closeListeners.remove(listener)) {
            listener.run(); // closed meanwhile: run it here, unless the closing thread took it already
        }
    }

    /**
     * Ends the subscription with an error the protocol reports (WebSocket close 1008, an SSE error event,
     * an MQTT DISCONNECT).
     *
     * @param why what went wrong
     */
    public void close(String why) {
        if (!closed.get()) {
            reason = why;
            close();
        }
    }

    // holds no lock while the owner's and the listeners' code runs: they close other streams in turn
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closing();
            queue.close(); // wakes a reader waiting for the next event, which still gets what came before
            arrived.run();
            for (Runnable listener : closeListeners) {
                if (closeListeners.remove(listener)) {
                    listener.run();
                }
            }
        }
    }

    /** Runs once, as the subscription closes, before its listeners: what an owner undoes (a registration). */
    protected void closing() {
    }
}
