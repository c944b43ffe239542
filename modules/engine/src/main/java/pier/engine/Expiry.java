package pier.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import pier.codec.Codec;
import pier.store.KeyRange;
import pier.store.Store;
import pier.store.WriteBatch;

/**
 * Records whose time runs out ({@code @table(expiration:)}, {@code @expiresAt}): when each expires, kept
 * in its stored header (a read knows without decoding) and in an index ordered by that time, kept in the
 * same batch as the record, so that a sweep reads only what is due: its cost grows with what expires,
 * not with the table.
 */
final class Expiry {

    private static final byte[] NOTHING = {};
    private static final int SWEEP_BATCH = 1_000;

    private Expiry() {
    }

    static String map(TableDefinition table) {
        return "expiry/" + table.name();
    }

    /**
     * When a record expires: at its own {@code @expiresAt} time, else the table's expiration after the
     * write; 0 for never.
     */
    static long at(TableDefinition table, long version, JsonNode body) {
        Optional<Attribute> own = table.withRole(Attribute.Role.EXPIRES_AT);
        if (own.isPresent() && body.get(own.get().name()) instanceof JsonNode time && time.isNumber()) {
            // a time of 0 would read as never: the first millisecond is as expired
            return time.longValue() == 0 ? 1 : time.longValue();
        }
        return table.expiration().map(expiration -> Sequencer.millisOf(version) + expiration.toMillis()).orElse(0L);
    }

    /** Adds the index changes of one record write to its batch. */
    static void update(WriteBatch.Builder batch, TableDefinition table, byte[] key, Optional<StoredRecord> before,
                       Optional<StoredRecord> after) {
        long old = before.map(StoredRecord::expiresAt).orElse(0L);
        long now = after.map(StoredRecord::expiresAt).orElse(0L);
        if (old != now && old != 0) {
            batch.delete(map(table), entry(old, key));
        }
        if (old != now && now != 0) {
            batch.put(map(table), entry(now, key), NOTHING);
        }
    }

    /**
     * The keys of records due at {@code now}, soonest first.
     *
     * @param limit at most this many
     */
    static List<byte[]> due(Store store, TableDefinition table, long now, int limit) {
        try (var entries = store.scan(map(table), KeyRange.between(entry(Long.MIN_VALUE, NOTHING),
                entry(now + 1, NOTHING))).limit(limit)) {
            return entries.map(e -> java.util.Arrays.copyOfRange(e.key(), Long.BYTES, e.key().length)).toList();
        }
    }

    /**
     * Deletes what is due, a batch of records per commit; each deletion reaches subscribers with the
     * reason {@code expired}. A record written again since its index entry was read is left alone.
     *
     * @return how many records were deleted
     */
    static long sweep(Store store, Sequencer sequencer, TableDefinition table, Keys keys, long now) {
        long deleted = 0;
        while (true) {
            List<byte[]> due = due(store, table, now, SWEEP_BATCH);
            List<FeedEntry> entries = sequencer.write(view -> {
                List<Mutation> expired = new ArrayList<>(due.size());
                for (byte[] key : due) {
                    String id = keys.decode(key);
                    if (view.expired(table, id, key)) {
                        expired.add(Mutation.expire(table, id, key));
                    }
                }
                return expired;
            }).join();
            deleted += entries.size();
            if (due.size() < SWEEP_BATCH || entries.isEmpty()) {
                return deleted;
            }
        }
    }

    // the time first, its sign bit flipped so that byte order is time order, then the primary key
    private static byte[] entry(long expiresAt, byte[] key) {
        return ByteBuffer.allocate(Long.BYTES + key.length).putLong(expiresAt ^ Long.MIN_VALUE).put(key).array();
    }

    /**
     * Brings the stored expiry times and the index in line with the schema when its expiry settings
     * changed (or the table is new to them): every record's header is written again.
     */
    static void reconcile(Store store, List<TableDefinition> tables, Codec cbor) {
        for (TableDefinition table : tables) {
            TableRewrite.ifChanged(store, table, "expiry", settings(table), () -> Indexes.clear(store, map(table)),
                    (batch, entry) -> {
                        StoredRecord record = StoredRecord.decode(entry.value());
                        long expiresAt = at(table, record.version(), cbor.decode(record.body()));
                        batch.put(Database.tableMap(table), entry.key(), record.expiringAt(expiresAt).encode());
                        if (expiresAt != 0) {
                            batch.put(map(table), entry(expiresAt, entry.key()), NOTHING);
                        }
                    });
        }
    }

    private static String settings(TableDefinition table) {
        return table.expiration().map(d -> "expiration=" + d.toSeconds()).orElse("")
                + table.withRole(Attribute.Role.EXPIRES_AT).map(a -> ";expiresAt=" + a.name()).orElse("");
    }
}
