package pier.store.mapdb;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.mapdb.BTreeMap;
import org.mapdb.DB;

import pier.store.StoreException;
import pier.store.WriteBatch;

/**
 * Opens a store's files into a consistent state. A new store is created and checkpointed; a store
 * closed cleanly is opened as it is; after an unclean stop (a crash, SIGKILL, power loss) the last
 * checkpoint is restored and the journal replayed onto it, because MapDB's own log does not always
 * survive a crash.
 */
final class Recovery {

    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

    /** What an open store runs on. */
    record Opened(DB db, Journal journal, Checkpoints checkpoints) {
    }

    private Recovery() {
    }

    /** Call with the folder's lock held. */
    static Opened open(MapDbFiles files) {
        files.checkNotHalfCreated();
        Checkpoints checkpoints = new Checkpoints(files.directory());
        Journal journal = Journal.open(files.journal());
        try {
            boolean checkpointed = checkpoints.settle();
            if (!files.created()) {
                return create(files, journal, checkpoints);
            }
            // a missing MapDB file is rebuilt like a crashed one, never silently started empty
            if (files.takeCleanMark() && java.nio.file.Files.exists(files.database())) {
                return new Opened(files.make(), journal, checkpoints);
            }
            if (!checkpointed) {
                throw files.cannotOpen("it was not closed cleanly and its checkpoint is missing", null);
            }
            return recover(files, journal, checkpoints);
        } catch (IOException e) {
            closeQuietly(journal);
            throw files.cannotOpen("its files cannot be read or written: " + MapDbFiles.rootMessage(e), e);
        } catch (RuntimeException e) {
            closeQuietly(journal);
            throw e;
        }
    }

    private static Opened create(MapDbFiles files, Journal journal, Checkpoints checkpoints) throws IOException {
        DB db = files.make();
        try {
            db.commit();
            checkpoints.take();
            journal.cut(0);
            files.markCreated();
            return new Opened(db, journal, checkpoints);
        } catch (IOException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static Opened recover(MapDbFiles files, Journal journal, Checkpoints checkpoints) throws IOException {
        checkpoints.restore();
        DB db = files.make();
        try {
            Map<String, BTreeMap<byte[], byte[]>> maps = new HashMap<>();
            long replayed = journal.replay(batch -> apply(db, maps, batch));
            db.commit();
            checkpoints.take();
            journal.cut(0);
            LOG.log(System.Logger.Level.INFO, "store {0} was not closed cleanly: restored its checkpoint and replayed "
                    + "{1} batches from its journal", files.database(), replayed);
            return new Opened(db, journal, checkpoints);
        } catch (IOException | RuntimeException e) {
            db.close();
            throw e;
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

    private static void closeQuietly(Journal journal) {
        try {
            journal.close();
        } catch (IOException e) {
            // already failing
        }
    }
}
