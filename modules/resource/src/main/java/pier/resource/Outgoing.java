package pier.resource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The messages a resource sends on a connection: {@code send} them, {@code close} when done, and
 * {@code onClose} hears when the client goes away. Bounded: a send to a full stream closes it, so a
 * slow client can never make the sender wait or hold unbounded memory.
 */
public final class Outgoing implements AutoCloseable {

    private final BlockingQueue<Event> queue;
    private final List<Runnable> closeListeners = new CopyOnWriteArrayList<>();
    private final int capacity;
    private volatile boolean closed;
    private volatile String reason;

    /**
     * Creates a stream.
     *
     * @param capacity how many messages may wait for the client
     */
    public Outgoing(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.capacity = capacity;
    }

    /**
     * Sends a plain message.
     *
     * @param message the message
     */
    public void send(JsonNode message) {
        send(new Event(Event.Type.MESSAGE, "", Optional.of(Record.message("", new Content.Structured(message))), 0, 0));
    }

    /**
     * Sends an event.
     *
     * @param event the event
     */
    public void send(Event event) {
        if (!closed && !queue.offer(event)) {
            SlowClients.closed();
            close("the client fell behind by more than " + capacity + " messages");
        }
    }

    /**
     * For the protocol: waits for the next message to deliver.
     *
     * @param timeout how long to wait
     * @return the message, or empty on time-out or once closed and drained
     * @throws InterruptedException when interrupted
     */
    public Optional<Event> next(Duration timeout) throws InterruptedException {
        if (closed && queue.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /**
     * Registers a listener for the end of the connection.
     *
     * @param listener called once when the stream closes
     */
    public void onClose(Runnable listener) {
        closeListeners.add(listener);
        if (closed) {
            listener.run();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Why the stream ended, once it has.
     *
     * @return the reason the protocol reports as an error (the client fell behind, the source ended
     *     badly), or empty while open or after a plain close
     */
    public Optional<String> closeReason() {
        return Optional.ofNullable(reason);
    }

    /**
     * Ends the stream with an error the protocol reports (WebSocket close 1008, an SSE error event).
     *
     * @param why what went wrong
     */
    public synchronized void close(String why) {
        if (!closed) {
            reason = why;
            close();
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeListeners.forEach(Runnable::run);
        }
    }
}
