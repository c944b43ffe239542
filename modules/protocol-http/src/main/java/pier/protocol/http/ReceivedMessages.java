package pier.protocol.http;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import pier.resource.Content;
import pier.resource.Incoming;

/**
 * What a WebSocket client sends, as the resource's {@link Incoming}: a blocking iterable that ends when
 * the client goes away, and listeners called on the connection's thread. Iterated once, by one thread.
 */
final class ReceivedMessages implements Incoming {

    private static final Content END = new Content.Opaque("application/x-end", new byte[0]);

    private final BlockingQueue<Content> queue = new LinkedBlockingQueue<>();
    private final List<Consumer<Content>> listeners = new CopyOnWriteArrayList<>();

    void add(Content message) {
        queue.add(message);
        listeners.forEach(listener -> listener.accept(message));
    }

    /** The client went away: iteration ends after what it sent before. */
    void end() {
        queue.add(END);
    }

    @Override
    public void onMessage(Consumer<Content> listener) {
        listeners.add(listener);
    }

    @Override
    public Iterator<Content> iterator() {
        return new Iterator<>() {
            private Content next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = queue.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        next = END;
                    }
                }
                return next != END;
            }

            @Override
            public Content next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the client went away");
                }
                Content message = next;
                next = null;
                return message;
            }
        };
    }
}
