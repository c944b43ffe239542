package pier.store.mapdb;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.mapdb.BTreeMap;
import org.mapdb.DB;


/**
 * Opens a store's files into a consistent state. The MapDB file only ever holds what a checkpoint
 * wrote whole, so opening is: write again the pages of a checkpoint a crash interrupted (its file is
 * complete, or it never touched the MapDB file), then replay the journal segments written since.
 * What this costs depends on what changed since the last checkpoint, never on the store's size.
 */
final class Recovery {

    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

    /** What an open store runs on. */
    record Opened(DB db, PagedVolume volume, Journal journal, Checkpointer checkpointer) {
    }

    private Recovery() {
    }

    /** Call with the folder's lock held. */
    static Opened open(MapDbFiles files, long cacheBytes) {
        Checkpoints checkpoints = new Checkpoints(files.directory());
        try {
            LegacyLayout.upgrade(files);
            files.checkNotHalfCreated();
            files.checkNotMissing();
            long covered = checkpoints.redo(files.database());
            Journal journal = Journal.open(files.directory());
            if (covered >= 0) {
                journal.deleteThrough(covered);
                checkpoints.clear();
            }
            // half the memory for pages read, half for pages changed (the checkpointer keeps to that)
            PagedVolume volume = new PagedVolume(files.database(), cacheBytes / 2);
            Checkpointer checkpointer = new Checkpointer(volume, journal, checkpoints, cacheBytes);
            Opened opened = new Opened(files.make(volume), volume, journal, checkpointer);
            try {
                if (files.created()) {
                    replay(files, opened);
                } else {
                    opened.db().commit();
                    checkpointer.flush();
                    files.markCreated();
                }
                return opened;
            } catch (IOException | RuntimeException e) {
                opened.db().close();
                checkpointer.close();
                journal.close();
                volume.release();
                throw e;
            }
        } catch (IOException e) {
            throw files.cannotOpen("its files cannot be read or written: " + MapDbFiles.rootMessage(e), e);
        }
    }

    // only the last write of each key counts: it is applied once, in key order
    private static void replay(MapDbFiles files, Opened opened) throws IOException {
        long started = System.nanoTime();
        Map<String, TreeMap<byte[], Optional<byte[]>>> last = new HashMap<>();
        long replayed = opened.journal().replay(batch -> batch.operations().forEach(operation -> last.computeIfAbsent(
                operation.map(), map -> new TreeMap<>(Arrays::compareUnsigned)).put(operation.key(),
                operation.isDelete() ? Optional.empty() : Optional.of(operation.value()))));
        if (replayed > 0) {
            last.forEach((name, writes) -> {
                BTreeMap<byte[], byte[]> map = MapDbStore.treeMap(opened.db(), name);
                writes.forEach((key, value) -> value.ifPresentOrElse(v -> map.put(key, v), () -> map.remove(key)));
            });
            opened.db().commit();
            LOG.log(System.Logger.Level.INFO, "store {0} was not closed cleanly: replayed {1} batches ({2} keys) from "
                    + "its journal in {3} ms", files.database(), replayed, last.values().stream().mapToInt(Map::size)
                    .sum(), (System.nanoTime() - started) / 1_000_000);
        }
    }
}
