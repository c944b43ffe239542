package pier.resource;

import java.util.function.Consumer;

/**
 * The messages a client sends on a connection (WebSocket): a blocking iterable, the Java form of
 * {@code for await}, that ends when the client disconnects; or, instead, a listener called for each.
 */
public interface Incoming extends Iterable<Content> {

    /** A connection that sends nothing (Server-Sent Events). */
    Incoming NONE = new Incoming() {
        @Override
        public java.util.Iterator<Content> iterator() {
            return java.util.Collections.emptyIterator();
        }

        @Override
        public void onMessage(Consumer<Content> listener) {
        }
    };

    /**
     * Receives each message as an event instead of iterating.
     *
     * @param listener called on the connection's thread for each message
     */
    void onMessage(Consumer<Content> listener);
}
