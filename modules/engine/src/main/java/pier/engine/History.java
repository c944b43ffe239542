package pier.engine;

import java.nio.ByteBuffer;
import java.util.stream.Stream;

import pier.store.KeyRange;
import pier.store.Store;
import pier.store.WriteBatch;

/**
 * The history of each record of an audited table ({@code @table(audit: true)}): the feed positions of its
 * changes, indexed by primary key in the same batch as each change, so that a record's history is read
 * without scanning the feed; an entry goes when the feed prunes its change.
 */
final class History {

    private static final byte[] NOTHING = {};

    private History() {
    }

    static String map(TableDefinition table) {
        return "history/" + table.name();
    }

    static void record(WriteBatch.Builder batch, TableDefinition table, byte[] key, long sequence) {
        batch.put(map(table), entry(key, sequence), NOTHING);
    }

    static void forget(WriteBatch.Builder batch, TableDefinition table, byte[] key, long sequence) {
        batch.delete(map(table), entry(key, sequence));
    }

    /**
     * The feed positions of a record's changes, newest first.
     *
     * @return the positions; close the stream when done
     */
    static Stream<Long> newestFirst(Store store, TableDefinition table, byte[] key) {
        byte[] prefix = prefix(key);
        return store.scanDescending(map(table), KeyRange.prefix(prefix))
                .map(e -> ByteBuffer.wrap(e.key(), prefix.length, Long.BYTES).getLong());
    }

    // the key's length first, so that one key's entries never share a prefix with a longer key's
    private static byte[] prefix(byte[] key) {
        return ByteBuffer.allocate(Short.BYTES + key.length).putShort((short) key.length).put(key).array();
    }

    private static byte[] entry(byte[] key, long sequence) {
        return ByteBuffer.allocate(Short.BYTES + key.length + Long.BYTES).putShort((short) key.length).put(key)
                .putLong(sequence).array();
    }
}
