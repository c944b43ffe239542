package pier.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;

import pier.codec.Codec;
import pier.store.Store;
import pier.store.WriteBatch;

/**
 * The write path. Under one short lock a write reads what it needs, gets its feed sequences and
 * versions, and hands one batch (records, feed entries, counters) to the store; it then waits for
 * durability outside the lock, so concurrent writers share commits. Writes sequenced but not yet
 * applied are kept in an overlay, so that a read-modify-write (PATCH) always sees the latest state,
 * and subscribers are notified in sequence order once the batch is durable.
 */
final class Sequencer {

    static final String META = "meta";
    private static final String SETTLED = "settled";
    static final byte[] SEQUENCE_KEY = {'s', 'e', 'q'};

    private final Store store;
    private final Codec cbor;
    private final Fanout fanout;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Optional<StoredRecord>> overlay = new ConcurrentHashMap<>();
    // deletions not yet durable, with their stamps (kept only in a cluster, where they settle conflicts)
    private final Map<String, Stamp> deletedOverlay = new ConcurrentHashMap<>();
    private final Map<String, Long> counts = new ConcurrentHashMap<>();
    /** Blobs dropped while a backup runs, kept until it ends. */
    final BlobHold blobHold = new BlobHold();
    private long sequence;
    private long version;
    private volatile long retainedFrom;
    private volatile String origin = "";
    private volatile Runnable onDurable = () -> { };
    private final java.util.concurrent.atomic.AtomicLong durablePosition = new java.util.concurrent.atomic.AtomicLong();

    Sequencer(Store store, Codec cbor, Fanout fanout, LongSupplier clock) {
        this.store = store;
        this.cbor = cbor;
        this.fanout = fanout;
        this.clock = clock;
        this.sequence = store.get(META, SEQUENCE_KEY).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
    }

    /** What a write's plan may read: the latest state, including writes not yet durable. */
    interface View {
        Optional<StoredRecord> current(TableDefinition table, String id, byte[] key);

        /** The ids of a table's records written but not yet durable. */
        List<String> pendingIds(TableDefinition table);

        /** Whether the record is there but its time ran out (it is not {@link #current} any more). */
        boolean expired(TableDefinition table, String id, byte[] key);

        /** The stamp of the record's deletion, when it was deleted in a cluster and not written since. */
        Optional<Stamp> deleted(TableDefinition table, String id, byte[] key);

        long now();
    }

    /**
     * Plans and commits one atomic write.
     *
     * @param plan reads through the view and returns the mutations; may throw to refuse the write
     * @return the feed entries written, once durable
     */
    CompletableFuture<List<FeedEntry>> write(Function<View, List<Mutation>> plan) {
        return write(plan, Map.of(), false);
    }

    /**
     * Plans and commits one atomic write, with values of the database's own bookkeeping that must be
     * durable together with it (e.g. how far the changes of other nodes are applied).
     *
     * @param plan reads through the view and returns the mutations; may throw to refuse the write
     * @param meta bookkeeping values by key, committed with the mutations
     * @param alone whether the bookkeeping values are committed when there are no mutations
     * @return the feed entries written, once durable
     */
    CompletableFuture<List<FeedEntry>> write(Function<View, List<Mutation>> plan, Map<String, byte[]> meta,
                                             boolean alone) {
        lock.lock();
        try {
            List<Mutation> mutations = plan.apply(view());
            if (mutations.isEmpty() && (meta.isEmpty() || !alone)) {
                return CompletableFuture.completedFuture(List.of());
            }
            WriteBatch.Builder batch = WriteBatch.builder();
            meta.forEach((key, value) -> batch.put(META, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value));
            if (mutations.isEmpty()) {
                return store.commit(batch.build()).thenApply(ignored -> List.of());
            }
            List<FeedEntry> entries = new ArrayList<>(mutations.size());
            List<Optional<StoredRecord>> replaced = new ArrayList<>(mutations.size());
            Map<String, Optional<StoredRecord>> pending = new java.util.HashMap<>();
            for (Mutation mutation : mutations) {
                FeedEntry entry = apply(mutation, batch, replaced);
                entries.add(entry);
                pending.put(mutation.pendingKey(), overlay.get(mutation.pendingKey()));
            }
            batch.put(META, SEQUENCE_KEY, ByteBuffer.allocate(Long.BYTES).putLong(sequence).array());
            mutations.stream().map(m -> m.table().name()).distinct()
                    .forEach(table -> batch.put(META, countKey(table), longBytes(counts.get(table))));
            CompletableFuture<Void> durable = store.commit(batch.build());
            // registered under the lock, so subscribers hear batches in sequence order; the fan-out is only
            // queued here, before the writer hears of durability, so what it publishes next comes after
            long last = sequence;
            CompletableFuture<List<FeedEntry>> done = durable.thenApply(ignored -> {
                durablePosition.accumulateAndGet(last, Math::max);
                fanout.publish(entries, replaced);
                onDurable.run();
                return entries;
            });
            // once applied, the store answers; a newer pending write to the same record stays
            durable.whenComplete((ignored, failure) -> pending.forEach((key, value) -> {
                if (overlay.remove(key, value)) {
                    deletedOverlay.remove(key);
                }
            }));
            return done;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends a message to the feed alone, touching no table: what a durable subscriber that is away
     * will need later.
     *
     * @param stream the feed's name for the messages (e.g. {@code $mqtt})
     * @param id     what the message is addressed to (a topic)
     * @param body   the message
     * @return its feed position, once durable
     */
    CompletableFuture<Long> appendMessage(String stream, String id, com.fasterxml.jackson.databind.JsonNode body) {
        lock.lock();
        try {
            long seq = ++sequence;
            long ver = nextVersion();
            FeedEntry entry = new FeedEntry(seq, ver, stream, id, FeedEntry.Kind.MESSAGE, origin,
                    Optional.of(new StoredRecord(ver, seq, false, origin, cbor.encode(body))));
            WriteBatch.Builder batch = WriteBatch.builder().put(ChangeFeed.MAP, FeedEntry.key(seq), entry.encode())
                    .put(META, SEQUENCE_KEY, ByteBuffer.allocate(Long.BYTES).putLong(sequence).array());
            return store.commit(batch.build()).thenApply(ignored -> seq);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs an action at a stable feed position: no write is sequenced while it runs.
     *
     * @param action receives the position and a view of the latest state
     * @return what the action returns
     */
    <T> T atPosition(java.util.function.BiFunction<Long, View, T> action) {
        lock.lock();
        try {
            return action.apply(sequence, view());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Names this node in a cluster: its changes carry the id, and deletions leave tombstones (the version
     * a later write must beat).
     */
    void origin(String node) {
        origin = node;
    }

    /** Runs a short action (on the committer's thread) after each durable write of records. */
    void onDurable(Runnable action) {
        onDurable = action;
    }

    /** The oldest feed sequence retained: a replaced value older than that is not kept. */
    void retainedFrom(long oldest) {
        retainedFrom = oldest;
    }

    /**
     * The feed position every change up to which is durable (a write sequenced after it may not be yet).
     * Only writes of records count; kept since this process started, 0 before its first.
     */
    long durablePosition() {
        return durablePosition.get();
    }

    /**
     * The latest feed position, once every change up to it is in the store: a mark is committed after them
     * (commits are applied in sequence order), and this returns when it is.
     */
    long settled() {
        long[] position = new long[1];
        write(view -> {
            position[0] = sequence;
            return List.of();
        }, Map.of(SETTLED, new byte[0]), true).join();
        return position[0];
    }

    long position() {
        lock.lock();
        try {
            return sequence;
        } finally {
            lock.unlock();
        }
    }

    long count(TableDefinition table) {
        return counts.computeIfAbsent(table.name(), name -> store.get(META, countKey(name))
                .map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L));
    }

    // adds the record it replaces (or none) to replaced
    private FeedEntry apply(Mutation mutation, WriteBatch.Builder batch, List<Optional<StoredRecord>> replaced) {
        Optional<StoredRecord> before = latest(mutation.table(), mutation.id(), mutation.key());
        replaced.add(before);
        boolean existed = before.isPresent();
        long seq = ++sequence;
        if (mutation.stamp() == null) {
            // a write here beats what it replaces, even one made on a node whose clock runs ahead
            before.ifPresent(old -> observe(Stamp.of(old)));
            if (before.isEmpty() && !origin.isEmpty()) {
                // tombstones exist in a cluster only: a single server does not look for one
                view().deleted(mutation.table(), mutation.id(), mutation.key()).ifPresent(this::observe);
            }
        }
        Stamp stamp = mutation.stamp() != null ? observe(mutation.stamp()) : new Stamp(nextVersion(), origin);
        long ver = stamp.version();
        String map = Database.tableMap(mutation.table());
        // first, so that a reader who sees the new record finds the old value in its entry
        before.filter(old -> old.sequence() >= retainedFrom).ifPresent(old -> batch.put(ChangeFeed.MAP,
                FeedEntry.key(old.sequence()), new FeedEntry(old.sequence(), old.version(), mutation.table().name(),
                        mutation.id(), FeedEntry.Kind.PUT, old.origin(), Optional.of(old)).encode()));
        Optional<StoredRecord> stored = mutation.body().map(body -> new StoredRecord(ver, seq, mutation.opaque(),
                stamp.origin(), cbor.encode(body), mutation.table().expires() ? Expiry.at(mutation.table(), ver, body)
                : 0));
        if (stored.isPresent()) {
            batch.put(map, mutation.key(), stored.get().encode());
        } else {
            batch.delete(map, mutation.key());
        }
        tombstone(mutation, stamp, stored.isEmpty(), existed, batch);
        Expiry.update(batch, mutation.table(), mutation.key(), before, stored);
        if (mutation.table().audit()) {
            History.record(batch, mutation.table(), mutation.key(), seq);
        }
        boolean blobs = !Blobs.attributes(mutation.table()).isEmpty();
        if (!Indexes.indexed(mutation.table()).isEmpty() || blobs) {
            com.fasterxml.jackson.databind.JsonNode old = before.map(r -> cbor.decode(r.body())).orElse(null);
            Indexes.update(batch, mutation.table(), mutation.key(), old, mutation.body().orElse(null));
            if (blobs) {
                Blobs.update(batch, store, mutation.table(), old, mutation.body().orElse(null), blobHold);
            }
        }
        long delta = (stored.isPresent() ? 1 : 0) - (existed ? 1 : 0);
        counts.put(mutation.table().name(), count(mutation.table()) + delta);
        overlay.put(mutation.pendingKey(), stored);
        FeedEntry entry = new FeedEntry(seq, ver, mutation.table().name(), mutation.id(),
                stored.isPresent() ? FeedEntry.Kind.PUT : mutation.expiry() ? FeedEntry.Kind.EXPIRE
                : FeedEntry.Kind.DELETE, stamp.origin(), stored);
        batch.put(ChangeFeed.MAP, FeedEntry.key(seq), entry.encodeCurrent());
        return entry;
    }

    // in a cluster a deletion is remembered with its stamp, so that an older write arriving later from
    // another node cannot bring the record back; a write over it makes it moot
    private void tombstone(Mutation mutation, Stamp stamp, boolean deleted, boolean existed,
                           WriteBatch.Builder batch) {
        String map = Database.tombstoneMap(mutation.table());
        if (deleted && !stamp.origin().isEmpty()) {
            batch.put(map, mutation.key(), stamp.encode());
            deletedOverlay.put(mutation.pendingKey(), stamp);
        } else if (!deleted && !existed && !origin.isEmpty()) {
            // only a record that did not exist can have a tombstone
            batch.delete(map, mutation.key());
            deletedOverlay.remove(mutation.pendingKey());
        }
    }

    // what is stored or pending, expired or not
    private Optional<StoredRecord> latest(TableDefinition table, String id, byte[] key) {
        Optional<StoredRecord> pending = overlay.get(table.name() + '\u0000' + id);
        if (pending != null) {
            return pending;
        }
        return store.get(Database.tableMap(table), key).map(StoredRecord::decode);
    }

    private View view() {
        return new View() {
            @Override
            public Optional<StoredRecord> current(TableDefinition table, String id, byte[] key) {
                return latest(table, id, key).filter(record -> !record.expired(now()));
            }

            @Override
            public boolean expired(TableDefinition table, String id, byte[] key) {
                return latest(table, id, key).filter(record -> record.expired(now())).isPresent();
            }

            @Override
            public List<String> pendingIds(TableDefinition table) {
                String prefix = table.name() + '\u0000';
                return overlay.keySet().stream().filter(k -> k.startsWith(prefix))
                        .map(k -> k.substring(prefix.length())).toList();
            }

            @Override
            public Optional<Stamp> deleted(TableDefinition table, String id, byte[] key) {
                String pendingKey = table.name() + '\u0000' + id;
                Optional<StoredRecord> pending = overlay.get(pendingKey);
                if (pending != null) {
                    return Optional.ofNullable(deletedOverlay.get(pendingKey)).filter(s -> pending.isEmpty());
                }
                return store.get(Database.tombstoneMap(table), key).map(Stamp::decode);
            }

            @Override
            public long now() {
                return clock.getAsLong();
            }
        };
    }

    // a hybrid logical clock in microseconds: the wall clock's time, or one more than the last version
    // made or seen, whichever is greater; 1,000 writes per millisecond before it runs ahead of the wall
    // clock, and a version fits a JavaScript number
    private long nextVersion() {
        version = Math.max(clock.getAsLong() * 1000, version + 1);
        return version;
    }

    /**
     * The wall-clock time of a version, in milliseconds. Versions made before they were microseconds
     * (below 10^14, i.e. years before 1973 as microseconds) are milliseconds already.
     */
    static long millisOf(long version) {
        return version >= 100_000_000_000_000L ? version / 1000 : version;
    }

    private Stamp observe(Stamp remote) {
        version = Math.max(version, remote.version());
        return remote;
    }

    static byte[] countKey(String table) {
        return ("count/" + table).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }
}
