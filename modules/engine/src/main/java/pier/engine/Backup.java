package pier.engine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import pier.store.KeyRange;
import pier.store.Store;
import pier.store.StoreEntry;
import pier.store.WriteBatch;

/**
 * A consistent copy of a database, taken while writes go on: the records of every table (users and roles,
 * retained topics and durable sessions are tables too) are read as they are, a fuzzy copy, and then every
 * change the feed holds from the moment the reading began until it ended is added, so that a restore, which
 * applies the changes after the records, arrives at exactly the state at the end position; then the bytes
 * of the blobs the records refer to at that position, which the {@link BlobHold} keeps until they are copied. Indexes, expiry
 * times and computed attributes are rebuilt by the first start on the restored store; the feed starts
 * empty after the end position.
 *
 * <p>An <em>increment</em> holds the changes after the position of an earlier backup (full or increment)
 * up to a settled position, while the feed still holds them; restored after the backups before it, it
 * brings the copy to its position.
 *
 * <p>The format, streamed: {@value #MAGIC} (or {@value #INCREMENT} and the position it continues from),
 * then entries {@code P map key value} (a record) and {@code D map key} (a deletion), each length-prefixed,
 * then {@code E position}.
 */
public final class Backup {

    static final String MAGIC = "PIER-BACKUP-1";
    static final String INCREMENT = "PIER-INCREMENT-1";
    private static final byte PUT = 'P';
    private static final byte DELETE = 'D';
    private static final byte END = 'E';
    private static final int BATCH = 10_000;

    private Backup() {
    }

    /**
     * Writes a backup.
     *
     * @param database the database
     * @param out      where it goes (not closed)
     * @return the feed position the backup is consistent at
     * @throws IOException when writing fails
     * @throws IllegalStateException when the feed pruned changes made while the records were read
     */
    public static long write(Database database, OutputStream out) throws IOException {
        BlobHold hold = database.sequencer().blobHold;
        hold.begin();
        try {
            DataOutputStream data = new DataOutputStream(out);
            data.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            BlobReferences blobs = new BlobReferences(database);
            long from = database.sequencer().settled();
            for (Table table : database.tables()) {
                String map = Database.tableMap(table.definition());
                try (var records = database.store().scan(map, KeyRange.all())) {
                    for (var it = records.iterator(); it.hasNext(); ) {
                        StoreEntry record = it.next();
                        entry(data, PUT, map, record.key(), record.value());
                        blobs.put(table.definition(), record.key(), record.value());
                    }
                }
            }
            // every change the reading may have seen is at or before this, and in the feed
            long until = database.sequencer().settled();
            if (database.feed().firstRetained() > from + 1 && from < until) {
                throw new IllegalStateException("the feed no longer holds the changes made while the backup read "
                        + "the tables: its retention is shorter than the backup took");
            }
            changes(database, data, from, until, blobs);
            return until;
        } finally {
            hold.end(database.store());
        }
    }

    /**
     * Writes an increment: the changes after an earlier backup's position.
     *
     * @param database the database
     * @param after    the position the earlier backup is consistent at
     * @param out      where it goes (not closed)
     * @return the feed position the increment brings a restore to
     * @throws IOException when writing fails
     * @throws IllegalArgumentException when the position is ahead of this database's feed, or the feed no
     *                                  longer holds the changes after it (a full backup is needed)
     */
    public static long writeIncrement(Database database, long after, OutputStream out) throws IOException {
        BlobHold hold = database.sequencer().blobHold;
        hold.begin();
        try {
            long until = checkIncrement(database, after);
            DataOutputStream data = new DataOutputStream(out);
            data.write(INCREMENT.getBytes(StandardCharsets.US_ASCII));
            data.writeLong(after);
            changes(database, data, after, until, new BlobReferences(database));
            return until;
        } finally {
            hold.end(database.store());
        }
    }

    /**
     * Checks, before anything is sent, that an increment after a position can be taken.
     *
     * @param database the database
     * @param after    the position the earlier backup is consistent at
     * @return the position the increment would reach now
     * @throws IllegalArgumentException when the position is ahead of this database's feed, or the feed no
     *                                  longer holds the changes after it
     */
    public static long checkIncrement(Database database, long after) {
        long until = database.sequencer().settled();
        if (after > until) {
            throw new IllegalArgumentException("position " + after + " is ahead of this server's feed, at " + until);
        }
        if (database.feed().firstRetained() > after + 1 && after < until) {
            throw new IllegalArgumentException("the feed no longer holds the changes after position " + after
                    + " (it begins at " + database.feed().firstRetained() + "): take a full backup");
        }
        return until;
    }

    // the feed's changes after one position up to another, the bytes of the blobs the records refer to at
    // the end, then the end marker
    private static void changes(Database database, DataOutputStream data, long after, long until,
                                BlobReferences blobs) throws IOException {
        try (var changes = database.feed().after(after)) {
            for (var it = changes.takeWhile(change -> change.sequence() <= until).iterator(); it.hasNext(); ) {
                change(database, data, it.next(), blobs);
            }
        }
        blobs.write((map, key, value) -> entry(data, PUT, map, key, value));
        data.writeByte(END);
        data.writeLong(until);
        data.flush();
    }

    private static void change(Database database, DataOutputStream data, FeedEntry change, BlobReferences blobs)
            throws IOException {
        Table table = database.table(change.table()).orElse(null);
        if (table == null || change.kind() == FeedEntry.Kind.MESSAGE) {
            return;
        }
        String map = Database.tableMap(table.definition());
        byte[] key = table.keys().encode(change.id());
        if (change.kind() == FeedEntry.Kind.PUT) {
            byte[] value = change.record().orElseThrow().encode();
            entry(data, PUT, map, key, value);
            blobs.put(table.definition(), key, value);
        } else {
            entry(data, DELETE, map, key, null);
            blobs.remove(table.definition(), key);
        }
    }

    private static void entry(DataOutputStream data, byte kind, String map, byte[] key, byte[] value)
            throws IOException {
        data.writeByte(kind);
        data.writeUTF(map);
        data.writeInt(key.length);
        data.write(key);
        if (value != null) {
            data.writeInt(value.length);
            data.write(value);
        }
    }

    /**
     * Fills an empty store from a backup.
     *
     * @param in    the backup
     * @param store an empty store
     * @return the feed position the restored store is at
     * @throws IOException when reading fails or the input is not a whole backup
     */
    public static long restore(InputStream in, Store store) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = data.readNBytes(MAGIC.length());
        if (!Arrays.equals(magic, MAGIC.getBytes(StandardCharsets.US_ASCII))) {
            throw new IOException("not a full Pier backup");
        }
        return apply(data, store);
    }

    /**
     * Applies an increment to a store restored from the backups before it.
     *
     * @param in    the increment
     * @param store the store, at {@code at}
     * @param at    the position the store is at
     * @return the position the store is at after it
     * @throws IOException when reading fails, the input is not a whole increment, or it does not continue
     *                     from {@code at}
     */
    public static long restoreIncrement(InputStream in, Store store, long at) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = data.readNBytes(INCREMENT.length());
        if (!Arrays.equals(magic, INCREMENT.getBytes(StandardCharsets.US_ASCII))) {
            throw new IOException("not an incremental Pier backup");
        }
        long after = data.readLong();
        if (after != at) {
            throw new IOException("the increment continues from position " + after + ", but what was restored "
                    + "before it is at " + at + ": restore the backups in the order they were taken");
        }
        return apply(data, store);
    }

    private static long apply(DataInputStream data, Store store) throws IOException {
        Map<String, Boolean> maps = new HashMap<>();
        WriteBatch.Builder batch = WriteBatch.builder();
        int inBatch = 0;
        try {
            for (byte kind = data.readByte(); kind != END; kind = data.readByte()) {
                String map = data.readUTF();
                if (!map.startsWith("table/") && !map.startsWith("blob/") || kind != PUT && kind != DELETE) {
                    throw new IOException("a backup holds tables and blobs only, not " + map);
                }
                byte[] key = data.readNBytes(data.readInt());
                if (kind == PUT) {
                    batch.put(map, key, data.readNBytes(data.readInt()));
                } else {
                    batch.delete(map, key);
                }
                if (map.startsWith("table/")) {
                    maps.put(map, true);
                }
                if (++inBatch == BATCH) {
                    store.commit(batch.build()).join();
                    batch = WriteBatch.builder();
                    inBatch = 0;
                }
            }
            long position = data.readLong();
            store.commit(batch.build()).join();
            WriteBatch.Builder meta = WriteBatch.builder().put(Sequencer.META, Sequencer.SEQUENCE_KEY,
                    ByteBuffer.allocate(Long.BYTES).putLong(position).array());
            for (String map : maps.keySet()) {
                long count;
                try (var records = store.scan(map, KeyRange.all())) {
                    count = records.count();
                }
                meta.put(Sequencer.META, Sequencer.countKey(map.substring("table/".length())),
                        ByteBuffer.allocate(Long.BYTES).putLong(count).array());
            }
            store.commit(meta.build()).join();
            return position;
        } catch (EOFException e) {
            throw new IOException("the backup ends before its end: it was cut short", e);
        }
    }
}
