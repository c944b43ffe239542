package pier.engine;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import pier.store.KeyRange;
import pier.store.Store;
import pier.store.StoreEntry;
import pier.store.WriteBatch;

/**
 * The persisted change feed: every committed change by sequence, readable from any retained position
 * (across restarts), pruned by count and age.
 */
public final class ChangeFeed {

    static final String MAP = "feed";
    private static final int PRUNE_BATCH = 10_000;

    private final Store store;
    private final Sequencer sequencer;
    private final FeedRetention retention;
    private final LongSupplier clock;
    private final BiFunction<String, String, Optional<StoredRecord>> records;
    private final java.util.function.BiConsumer<WriteBatch.Builder, FeedEntry> pruned;
    private volatile LongSupplier holdFrom = () -> Long.MAX_VALUE;

    /**
     * @param records a table's current record by table name and id
     * @param pruned  adds to the pruning's batch what goes with a change (its history entry)
     */
    ChangeFeed(Store store, Sequencer sequencer, FeedRetention retention, LongSupplier clock,
               BiFunction<String, String, Optional<StoredRecord>> records,
               java.util.function.BiConsumer<WriteBatch.Builder, FeedEntry> pruned) {
        this.store = store;
        this.sequencer = sequencer;
        this.retention = retention;
        this.clock = clock;
        this.records = records;
        this.pruned = pruned;
        sequencer.retainedFrom(firstRetained());
    }

    /**
     * The changes after a position, in order.
     *
     * @param position a feed position (0 for the start)
     * @return the retained changes with a greater sequence; close the stream when done
     */
    public Stream<FeedEntry> after(long position) {
        return stored(position).flatMap(entry -> withRecord(entry).stream());
    }

    /**
     * The changes up to a position, newest first.
     *
     * @param position a feed position
     * @return the retained changes with that sequence or a smaller one; close the stream when done
     */
    Stream<FeedEntry> upTo(long position) {
        return store.scanDescending(MAP, KeyRange.between(FeedEntry.key(0), FeedEntry.key(position + 1)))
                .map(entry -> FeedEntry.decode(entry.key(), entry.value())).flatMap(entry -> withRecord(entry).stream());
    }

    /**
     * The first retained change made at or after a time: versions grow with positions (a node's clock
     * never goes back), so a binary search finds it.
     *
     * @param millis   the time, in milliseconds since 1970
     * @param position the latest position to consider
     * @return its position, or {@code position + 1} when every change is older
     */
    long firstAtOrAfter(long millis, long position) {
        long low = firstRetained();
        long high = position + 1;
        while (low < high) {
            long middle = low + (high - low) / 2;
            byte[] key = FeedEntry.key(middle);
            boolean older = store.get(MAP, key).map(value -> Sequencer.millisOf(FeedEntry.decode(key, value).version())
                    < millis).orElse(true);
            if (older) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /**
     * One change, if the feed still holds it.
     *
     * @param sequence its position
     * @return the change
     */
    Optional<FeedEntry> at(long sequence) {
        byte[] key = FeedEntry.key(sequence);
        return store.get(MAP, key).map(value -> FeedEntry.decode(key, value)).flatMap(this::withRecord);
    }

    private Stream<FeedEntry> stored(long position) {
        return store.scan(MAP, KeyRange.atLeast(FeedEntry.key(position + 1)))
                .map(entry -> FeedEntry.decode(entry.key(), entry.value()));
    }

    // a put without its body wrote the table's current record; if that was replaced since the entry was
    // read, the entry holds the value now (or was pruned meanwhile)
    private Optional<FeedEntry> withRecord(FeedEntry entry) {
        if (entry.kind() != FeedEntry.Kind.PUT || entry.record().isPresent()) {
            return Optional.of(entry);
        }
        Optional<StoredRecord> current = records.apply(entry.table(), entry.id());
        if (current.isPresent() && current.get().sequence() == entry.sequence()) {
            return Optional.of(entry.withRecord(current.get()));
        }
        byte[] key = FeedEntry.key(entry.sequence());
        return store.get(MAP, key).map(value -> FeedEntry.decode(key, value)).filter(e -> e.record().isPresent());
    }

    /**
     * The latest position: the sequence of the last change made.
     *
     * @return the position
     */
    public long position() {
        return sequencer.position();
    }

    /**
     * The oldest position still retained; reading after an older one would miss changes.
     *
     * @return the sequence of the oldest retained change, or the next sequence when none is retained
     */
    public long firstRetained() {
        try (Stream<StoreEntry> first = store.scan(MAP, KeyRange.all()).limit(1)) {
            return first.findFirst().map(e -> ByteBuffer.wrap(e.key()).getLong()).orElse(position() + 1);
        }
    }

    /**
     * Keeps the changes from a position on, whatever the retention says (e.g. those not yet shipped to
     * the other nodes of a cluster).
     *
     * @param position the first position to keep, asked at each pruning
     */
    void holdFrom(LongSupplier position) {
        holdFrom = position;
    }

    /**
     * Deletes changes beyond the retention, a batch at a time.
     *
     * @return how many were deleted
     */
    public long prune() {
        long keepFrom = position() - retention.maxEntries() + 1;
        long oldestKept = clock.getAsLong() - retention.maxAge().toMillis();
        long held = holdFrom.getAsLong();
        long deleted = 0;
        while (true) {
            List<FeedEntry> expired;
            try (Stream<FeedEntry> oldest = stored(0).limit(PRUNE_BATCH)) {
                expired = oldest.takeWhile(e -> e.sequence() < held
                        && (e.sequence() < keepFrom || Sequencer.millisOf(e.version()) < oldestKept)).toList();
            }
            if (expired.isEmpty()) {
                return deleted;
            }
            WriteBatch.Builder batch = WriteBatch.builder();
            expired.forEach(e -> {
                batch.delete(MAP, FeedEntry.key(e.sequence()));
                pruned.accept(batch, e);
            });
            store.commit(batch.build()).join();
            deleted += expired.size();
            sequencer.retainedFrom(expired.getLast().sequence() + 1);
        }
    }

    /**
     * How long changes are kept.
     *
     * @param maxEntries    at most this many changes
     * @param maxAge        none older than this
     * @param pruneInterval how often the background pruning runs
     */
    public record FeedRetention(long maxEntries, Duration maxAge, Duration pruneInterval) {

        /** A million changes, seven days, pruned every minute. */
        public static final FeedRetention DEFAULT = new FeedRetention(1_000_000, Duration.ofDays(7),
                Duration.ofMinutes(1));
    }
}
