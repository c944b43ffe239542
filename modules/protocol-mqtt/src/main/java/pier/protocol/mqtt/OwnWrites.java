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

    /** A write to a record topic began; {@code write} completes with the record once it is durable. */
    void writing(String topic, CompletableFuture<Record> write) {
        // remembered before anyone waiting for the write hears of its end
        CompletableFuture<?> remembered = write.thenAccept(record -> written.add(record.version() + "@" + topic));
        writing.put(topic, remembered);
        remembered.whenComplete((ignored, failure) -> writing.remove(topic, remembered));
    }

    /** A delete of a record topic began; later messages to the topic wait for it. */
    void deleting(String topic, CompletableFuture<Void> delete) {
        writing.put(topic, delete);
        delete.whenComplete((ignored, failure) -> writing.remove(topic, delete));
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
