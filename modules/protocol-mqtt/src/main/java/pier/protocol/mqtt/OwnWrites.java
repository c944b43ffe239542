package pier.protocol.mqtt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The record versions one session's publishes wrote, so that a subscription with No Local does not
 * hear its own writes back from a record topic's feed.
 */
final class OwnWrites {

    private static final int REMEMBERED = 1024;

    private final Map<String, Long> versions = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > REMEMBERED;
                }
            });
    // writes in progress by topic: the change can reach a feed before the write returns its version
    private final Map<String, CompletableFuture<Long>> writing = new ConcurrentHashMap<>();

    /** A write to a record topic begins; {@link #wrote} ends it. */
    void writing(String topic) {
        writing.put(topic, new CompletableFuture<>());
    }

    /** The write ends with the version it made (0 when it failed). */
    void wrote(String topic, long version) {
        if (version != 0) {
            versions.put(topic, version);
        }
        CompletableFuture<Long> done = writing.remove(topic);
        if (done != null) {
            done.complete(version);
        }
    }

    /** Whether a change is one of these writes; waits up to a second for a write in progress. */
    boolean wroteItself(String topic, long version) throws InterruptedException {
        CompletableFuture<Long> inProgress = writing.get(topic);
        if (inProgress != null) {
            try {
                inProgress.get(1, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // decided by what is known
            }
        }
        Long own = versions.get(topic);
        return own != null && own == version;
    }
}
