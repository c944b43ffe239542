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
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

import pier.store.KeyRange;
import pier.store.Store;
import pier.store.StoreEntry;
import pier.store.StoreStats;
import pier.store.WriteBatch;

/**
 * A store on one MapDB file. Each named map is a MapDB B-tree with unsigned byte-array keys; reads go
 * straight to the trees, writes go through the {@link GroupCommitter}.
 */
final class MapDbStore implements Store {

    private final FileChannel lock;
    private final MapDbFiles files;
    private final DB db;
    private final Journal journal;
    private final Map<String, BTreeMap<byte[], byte[]>> maps = new ConcurrentHashMap<>();
    private final GroupCommitter committer;

    private MapDbStore(FileChannel lock, MapDbFiles files, Recovery.Opened opened) {
        this.lock = lock;
        this.files = files;
        this.db = opened.db();
        this.journal = opened.journal();
        this.committer = new GroupCommitter(opened, this::mapForWrite, files.database().toString());
    }

    static MapDbStore open(MapDbFiles files) {
        FileChannel lock = files.lock();
        try {
            return new MapDbStore(lock, files, Recovery.open(files));
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
    public void close() {
        committer.close();
        db.close();
        try {
            journal.close();
            files.markClean();
        } catch (IOException e) {
            // without the mark the next open recovers from the checkpoint and the journal: slower, still whole
            throw new UncheckedIOException("cannot mark store " + files.database() + " closed cleanly", e);
        } finally {
            release(lock);
        }
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
        return db.treeMap(name, Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
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
                .map(entry -> new StoreEntry(entry.getKey().clone(), entry.getValue().clone()));
    }
}
