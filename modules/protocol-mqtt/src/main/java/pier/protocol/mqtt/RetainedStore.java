package pier.protocol.mqtt;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where retained messages of plain topics are kept durably. Changes are pipelined: a call returns once
 * the change has its place in order, and its future completes when it is durable.
 */
public interface RetainedStore {

    /** Every retained message, read once at start. */
    List<Message> loadAll();

    /** Keeps a message as its topic's retained one. */
    CompletableFuture<Void> put(Message message);

    /** Clears a topic's retained message. */
    CompletableFuture<Void> remove(String topic);

    /** A store that keeps nothing, for tests of the session engine alone. */
    RetainedStore NONE = new RetainedStore() {
        @Override
        public List<Message> loadAll() {
            return List.of();
        }

        @Override
        public CompletableFuture<Void> put(Message message) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> remove(String topic) {
            return CompletableFuture.completedFuture(null);
        }
    };
}
