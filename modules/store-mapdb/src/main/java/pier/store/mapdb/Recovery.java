package pier.store.mapdb;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.mapdb.BTreeMap;
import org.mapdb.DB;

import pier.store.WriteBatch;

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

    private static void replay(MapDbFiles files, Opened opened) throws IOException {
        Map<String, BTreeMap<byte[], byte[]>> maps = new HashMap<>();
        long started = System.nanoTime();
        long replayed = opened.journal().replay(batch -> apply(opened.db(), maps, batch));
        if (replayed > 0) {
            opened.db().commit();
            LOG.log(System.Logger.Level.INFO, "store {0} was not closed cleanly: replayed {1} batches from its "
                    + "journal in {2} ms", files.database(), replayed, (System.nanoTime() - started) / 1_000_000);
        }
    }

    static void apply(DB db, Map<String, BTreeMap<byte[], byte[]>> maps, WriteBatch batch) {
        for (WriteBatch.Operation operation : batch.operations()) {
            BTreeMap<byte[], byte[]> map = maps.computeIfAbsent(operation.map(), name -> MapDbStore.treeMap(db, name));
            if (operation.isDelete()) {
                map.remove(operation.key());
            } else {
                map.put(operation.key(), operation.value());
            }
        }
    }
}
