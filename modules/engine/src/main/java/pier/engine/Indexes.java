package pier.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import pier.codec.Codec;
import pier.store.KeyRange;
import pier.store.Store;
import pier.store.StoreEntry;
import pier.store.WriteBatch;

/**
 * Secondary indexes of {@code @indexed} attributes: one store map per attribute, kept in the same
 * batch as the record, built at start for newly indexed attributes and dropped for ones no longer
 * indexed. A finished index is marked in the meta map, so an index whose build was interrupted is
 * built again from scratch.
 */
final class Indexes {

    private static final System.Logger LOG = System.getLogger(Indexes.class.getName());
    private static final byte[] NOTHING = {};
    private static final byte[] BUILT = {1};
    private static final int CHUNK = 10_000;

    private Indexes() {
    }

    static String map(TableDefinition table, String attribute) {
        return "index/" + table.name() + "/" + attribute;
    }

    /** The attributes of a table that have an index of their own (the primary key is the table's order). */
    static List<Attribute> indexed(TableDefinition table) {
        return table.attributes().values().stream()
                .filter(a -> a.indexed() && a.role() != Attribute.Role.PRIMARY_KEY).toList();
    }

    /**
     * Adds the index changes of one record write to its batch.
     *
     * @param before the record's body before, null when it did not exist
     * @param after  its body after, null when deleted
     */
    static void update(WriteBatch.Builder batch, TableDefinition table, byte[] primaryKey, JsonNode before,
                       JsonNode after) {
        for (Attribute attribute : indexed(table)) {
            List<byte[]> old = before == null ? List.of() : values(before, attribute.name());
            List<byte[]> now = after == null ? List.of() : values(after, attribute.name());
            String map = map(table, attribute.name());
            old.stream().filter(v -> !contains(now, v)).forEach(v -> batch.delete(map, IndexKeys.entry(v, primaryKey)));
            now.stream().filter(v -> !contains(old, v)).forEach(v -> batch.put(map, IndexKeys.entry(v, primaryKey),
                    NOTHING));
        }
    }

    /** The encoded values a body has for an attribute: one per distinct array element, else one. */
    static List<byte[]> values(JsonNode body, String attribute) {
        JsonNode value = body.path(attribute);
        if (!value.isArray() || value.isEmpty()) {
            return List.of(IndexKeys.value(value.isArray() ? MissingNode.getInstance() : value));
        }
        List<byte[]> values = new ArrayList<>(value.size());
        for (JsonNode element : value) {
            byte[] encoded = IndexKeys.value(element);
            if (!contains(values, encoded)) {
                values.add(encoded);
            }
        }
        return values;
    }

    /**
     * Builds the indexes the schema declares and the store lacks, and drops the ones it no longer declares.
     *
     * @param store  the store
     * @param tables the schema's tables
     * @param cbor   decodes stored bodies
     * @param counts the number of records of a table, for progress
     */
    static void reconcile(Store store, List<TableDefinition> tables, Codec cbor,
                          java.util.function.ToLongFunction<TableDefinition> counts) {
        Set<String> declared = tables.stream().flatMap(t -> indexed(t).stream().map(a -> map(t, a.name())))
                .collect(Collectors.toSet());
        List<String> existing;
        try (var marks = store.scan(Sequencer.META, KeyRange.prefix(bytes("index/")))) {
            existing = marks.map(e -> new String(e.key(), StandardCharsets.UTF_8)).toList();
        }
        for (String map : existing) {
            if (!declared.contains(map)) {
                LOG.log(System.Logger.Level.INFO, "dropping index {0}, no longer declared", map);
                clear(store, map);
                commit(store, WriteBatch.builder().delete(Sequencer.META, bytes(map)));
            }
        }
        for (TableDefinition table : tables) {
            for (Attribute attribute : indexed(table)) {
                if (!existing.contains(map(table, attribute.name()))) {
                    build(store, table, attribute, cbor, counts.applyAsLong(table));
                }
            }
        }
    }

    private static void build(Store store, TableDefinition table, Attribute attribute, Codec cbor, long total) {
        String map = map(table, attribute.name());
        String name = table.name() + "." + attribute.name();
        // a new, empty table gets its indexes without news
        System.Logger.Level level = total > 0 ? System.Logger.Level.INFO : System.Logger.Level.DEBUG;
        LOG.log(level, "building index {0} over {1} records", name, total);
        clear(store, map);
        long done = 0;
        long lastReport = System.nanoTime();
        WriteBatch.Builder batch = WriteBatch.builder();
        int inBatch = 0;
        try (var records = store.scan(Database.tableMap(table), KeyRange.all())) {
            for (var it = records.iterator(); it.hasNext(); ) {
                StoreEntry entry = it.next();
                StoredRecord stored = StoredRecord.decode(entry.value());
                for (byte[] value : values(cbor.decode(stored.body()), attribute.name())) {
                    batch.put(map, IndexKeys.entry(value, entry.key()), NOTHING);
                }
                done++;
                if (++inBatch == CHUNK) {
                    commit(store, batch);
                    batch = WriteBatch.builder();
                    inBatch = 0;
                    if (System.nanoTime() - lastReport > 5_000_000_000L) {
                        LOG.log(System.Logger.Level.INFO, "building index {0}: {1} of {2} records", name, done, total);
                        lastReport = System.nanoTime();
                    }
                }
            }
        }
        commit(store, batch.put(Sequencer.META, bytes(map), BUILT));
        LOG.log(level, "built index {0}: {1} records", name, done);
    }

    static void clear(Store store, String map) {
        while (true) {
            List<byte[]> chunk;
            try (var entries = store.scan(map, KeyRange.all()).limit(CHUNK)) {
                chunk = entries.map(StoreEntry::key).toList();
            }
            if (chunk.isEmpty()) {
                return;
            }
            WriteBatch.Builder batch = WriteBatch.builder();
            chunk.forEach(key -> batch.delete(map, key));
            commit(store, batch);
        }
    }

    private static void commit(Store store, WriteBatch.Builder batch) {
        store.commit(batch.build()).join();
    }

    private static boolean contains(List<byte[]> values, byte[] value) {
        for (byte[] v : values) {
            if (Arrays.equals(v, value)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
