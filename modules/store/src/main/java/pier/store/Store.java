package pier.store;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * An open store: named maps of keys to values, both byte arrays, ordered by unsigned lexicographic key
 * order. Writes are {@link WriteBatch}es committed atomically and acknowledged only once durable.
 * Reads never wait for writes, so a read may already see a batch whose commit is in progress.
 * Implementations are thread-safe.
 */
public interface Store extends AutoCloseable {

    /**
     * Reads one value.
     *
     * @param map the map's name; a map that was never written is empty
     * @param key the key
     * @return a copy of the value, or empty
     */
    Optional<byte[]> get(String map, byte[] key);

    /**
     * Streams the entries of a key range in ascending key order, lazily.
     *
     * @param map   the map's name
     * @param range the keys to visit
     * @return the entries; a map that was never written yields none
     */
    Stream<StoreEntry> scan(String map, KeyRange range);

    /**
     * Streams the entries of a key range in descending key order, lazily.
     *
     * @param map   the map's name
     * @param range the keys to visit
     * @return the entries
     */
    Stream<StoreEntry> scanDescending(String map, KeyRange range);

    /**
     * Commits a batch atomically: after a crash either all of its writes are present or none.
     *
     * @param batch the writes
     * @return completes when the batch is durable, or exceptionally with a {@link StoreException}
     */
    CompletableFuture<Void> commit(WriteBatch batch);

    /**
     * Counters since the store was opened.
     *
     * @return a snapshot of the counters
     */
    StoreStats stats();

    /**
     * Tells an observer what each commit and checkpoint takes from now on; a backend that cannot tell
     * ignores it.
     *
     * @param observer the observer, replacing any before it
     */
    default void observe(StoreObserver observer) {
    }

    /**
     * Stops accepting batches, completes the ones already accepted, and closes the files.
     */
    @Override
    void close();
}
