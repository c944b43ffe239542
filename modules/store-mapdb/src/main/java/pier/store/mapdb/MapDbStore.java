package pier.store.mapdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

import pier.store.KeyRange;
import pier.store.Store;
import pier.store.StoreEntry;
import pier.store.StoreOptions;
import pier.store.StoreObserver;
import pier.store.StoreStats;
import pier.store.WriteBatch;

/**
 * A store on one MapDB file. Each named map is a MapDB B-tree with unsigned byte-array keys, its values
 * kept outside the tree's nodes (a write rewrites the value and a small node, not a node full of
 * values); reads go straight to the trees, writes go through the {@link GroupCommitter}.
 */
final class MapDbStore implements Store {

    private final FileChannel lock;
    private final MapDbFiles files;
    private final Recovery.Opened opened;
    private final DB db;
    private final Map<String, BTreeMap<byte[], byte[]>> maps = new ConcurrentHashMap<>();
    private final GroupCommitter committer;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private MapDbStore(FileChannel lock, MapDbFiles files, Recovery.Opened opened) {
        this.lock = lock;
        this.files = files;
        this.opened = opened;
        this.db = opened.db();
        this.committer = new GroupCommitter(opened, this::mapForWrite, files.database().toString());
    }

    static MapDbStore open(MapDbFiles files, StoreOptions options) {
        FileChannel lock = files.lock();
        try {
            return new MapDbStore(lock, files, Recovery.open(files, options.cacheBytes()));
        } catch (RuntimeException e) {
            release(lock);
            throw e;
        }
    }

    @Override
    public Optional<byte[]> get(String map, byte[] key) {
        return existing(map).map(tree -> tree.get(key)).map(byte[]::clone);
    }

    @Override
    public Stream<StoreEntry> scan(String map, KeyRange range) {
        return existing(map).map(tree -> entries(slice(tree, range))).orElseGet(Stream::empty);
    }

    @Override
    public Stream<StoreEntry> scanDescending(String map, KeyRange range) {
        return existing(map).map(tree -> entries(slice(tree, range).descendingMap())).orElseGet(Stream::empty);
    }

    @Override
    public CompletableFuture<Void> commit(WriteBatch batch) {
        return committer.submit(batch);
    }

    @Override
    public StoreStats stats() {
        return committer.stats();
    }

    @Override
    public void observe(StoreObserver observer) {
        committer.observe(observer);
        opened.checkpointer().observe(observer);
    }

    /** Completes the accepted batches, then writes every change into the MapDB file: the next open replays nothing. */
    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        committer.close();
        db.close();
        try (Checkpointer checkpointer = opened.checkpointer()) {
            checkpointer.flush();
            opened.journal().close();
            opened.volume().release();
        } catch (IOException e) {
            // the journal still holds what the last checkpoint missed: the next open replays it
            throw new UncheckedIOException("cannot checkpoint store " + files.database() + " while closing", e);
        } finally {
            release(lock);
        }
    }

    Checkpointer checkpointer() {
        return opened.checkpointer();
    }

    /** Bytes of pages changed and not yet frozen for a checkpoint. */
    long changedBytes() {
        return opened.volume().changedBytes();
    }

    private static void release(FileChannel lock) {
        try {
            lock.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the store's lock", e);
        }
    }

    private Optional<BTreeMap<byte[], byte[]>> existing(String map) {
        BTreeMap<byte[], byte[]> tree = maps.get(map);
        if (tree == null && db.exists(map)) {
            tree = mapForWrite(map);
        }
        return Optional.ofNullable(tree);
    }

    private BTreeMap<byte[], byte[]> mapForWrite(String map) {
        return maps.computeIfAbsent(map, name -> treeMap(db, name));
    }

    static BTreeMap<byte[], byte[]> treeMap(DB db, String name) {
        // a map created before values were kept outside the nodes opens as it was made
        return db.treeMap(name, Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable()
                .createOrOpen();
    }

    private static NavigableMap<byte[], byte[]> slice(BTreeMap<byte[], byte[]> tree, KeyRange range) {
        Optional<byte[]> from = range.from();
        Optional<byte[]> to = range.to();
        if (from.isPresent() && to.isPresent()) {
            return tree.subMap(from.get(), true, to.get(), false);
        }
        if (from.isPresent()) {
            return tree.tailMap(from.get(), true);
        }
        return to.isPresent() ? tree.headMap(to.get(), false) : tree;
    }

    private static Stream<StoreEntry> entries(NavigableMap<byte[], byte[]> slice) {
        // not entrySet().stream(): its spliterator asks the slice for its size, which MapDB counts entry by entry
        return StreamSupport.stream(() -> Spliterators.spliteratorUnknownSize(slice.entrySet().iterator(),
                        Spliterator.ORDERED | Spliterator.NONNULL), Spliterator.ORDERED | Spliterator.NONNULL, false)
                // MapDB's iterator can hand over an entry whose value a concurrent commit deleted meanwhile:
                // it is gone, as a scan that came a moment later would find
                .map(entry -> {
                    byte[] value = entry.getValue();
                    return value == null ? null : new StoreEntry(entry.getKey().clone(), value.clone());
                })
                .filter(java.util.Objects::nonNull);
    }
}
