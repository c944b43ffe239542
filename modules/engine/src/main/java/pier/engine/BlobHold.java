package pier.engine;

import java.util.ArrayList;
import java.util.List;

import pier.store.KeyRange;
import pier.store.Store;
import pier.store.WriteBatch;

/**
 * Keeps the bytes of blobs that lose their last reference while a backup runs, and deletes them when the
 * last backup ends: a backup copies the blobs its records refer to after it has read the records, and a
 * blob dropped meanwhile must still be there to be copied.
 */
final class BlobHold {

    private record Dropped(String map, byte[] id) {
    }

    private final List<Dropped> dropped = new ArrayList<>(); // guarded by this
    private int backups; // guarded by this

    synchronized void begin() {
        backups++;
    }

    /** Whether the bytes of a dropped blob are kept for now (a backup runs); they are deleted when it ends. */
    synchronized boolean keep(String map, byte[] id) {
        if (backups == 0) {
            return false;
        }
        dropped.add(new Dropped(map, id));
        return true;
    }

    /** A backup ended: when it was the last, the blobs dropped meanwhile are deleted. */
    void end(Store store) {
        List<Dropped> due;
        synchronized (this) {
            if (--backups > 0 || dropped.isEmpty()) {
                return;
            }
            due = List.copyOf(dropped);
            dropped.clear();
        }
        WriteBatch.Builder batch = WriteBatch.builder();
        for (Dropped blob : due) {
            try (var chunks = store.scan(blob.map(), KeyRange.prefix(blob.id()))) {
                chunks.forEach(chunk -> batch.delete(blob.map(), chunk.key()));
            }
        }
        store.commit(batch.build()).join();
    }
}
