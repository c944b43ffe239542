package pier.protocol.mqtt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import pier.resource.Record;

/**
 * The record writes of one session's publishes, in progress and done: a message that only notifies a
 * record's subscribers waits for the session's writes to that topic before it (topics are ordered), and
 * a subscription with No Local does not hear the session's own writes back from a record topic's feed.
 */
final class OwnWrites {

    private static final int REMEMBERED = 4096;

    // "version@topic" of the latest writes
    private final Set<String> written = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            }));
    // the latest write in progress by topic: writes to a topic become durable in the order they were made
    private final Map<String, CompletableFuture<?>> writing = new ConcurrentHashMap<>();

    /**
     * Starts a write to a record topic, known as in progress before it starts: its change may reach the
     * session's feed before {@code start} returns, and must then wait to be recognised as its own.
     *
     * @param start starts the write; completes with the record once it is durable
     * @return the write
     */
    CompletableFuture<Record> write(String topic, Supplier<CompletableFuture<Record>> start) {
        CompletableFuture<Void> known = inProgress(topic);
        try {
            CompletableFuture<Record> write = start.get();
            // remembered before anyone waiting for the write hears of its end
            write.whenComplete((record, failure) -> {
                if (record != null) {
                    written.add(record.version() + "@" + topic);
                }
                done(topic, known);
            });
            return write;
        } catch (RuntimeException e) {
            done(topic, known);
            throw e;
        }
    }

    /** Starts a delete of a record topic; later messages to the topic wait for it. */
    CompletableFuture<Void> delete(String topic, Supplier<CompletableFuture<Void>> start) {
        CompletableFuture<Void> known = inProgress(topic);
        try {
            CompletableFuture<Void> delete = start.get();
            delete.whenComplete((ignored, failure) -> done(topic, known));
            return delete;
        } catch (RuntimeException e) {
            done(topic, known);
            throw e;
        }
    }

    private CompletableFuture<Void> inProgress(String topic) {
        CompletableFuture<Void> known = new CompletableFuture<>();
        writing.put(topic, known);
        return known;
    }

    private void done(String topic, CompletableFuture<Void> known) {
        known.complete(null);
        writing.remove(topic, known);
    }

    /** Waits until the writes to a topic made so far are durable (or failed). */
    void awaitWrites(String topic) {
        CompletableFuture<?> inProgress = writing.get(topic);
        if (inProgress != null) {
            inProgress.exceptionally(failure -> null).join();
        }
    }

    /** Whether a change is one of these writes; waits up to a second for a write in progress. */
    boolean wroteItself(String topic, long version) throws InterruptedException {
        CompletableFuture<?> inProgress = writing.get(topic);
        if (inProgress != null) {
            try {
                inProgress.get(1, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // decided by what is known
            }
        }
        return written.contains(version + "@" + topic);
    }
}
