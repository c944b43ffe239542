package pier.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

import pier.store.KeyRange;
import pier.store.Store;
import pier.store.StoreEntry;
import pier.store.WriteBatch;

/**
 * A pass over every record of a table, a chunk per commit, for a schema change that its records must
 * follow (their expiry times, their computed attributes). The settings it followed are remembered in the
 * meta map, so a pass runs once per change, and again when one was interrupted.
 */
final class TableRewrite {

    private static final System.Logger LOG = System.getLogger(TableRewrite.class.getName());
    private static final byte[] NOTHING = {};
    private static final int CHUNK = 10_000;

    private TableRewrite() {
    }

    /**
     * Runs a pass when the settings differ from those of the last one.
     *
     * @param kind     what the settings are of, e.g. {@code expiry}
     * @param settings the schema's settings, as text
     * @param before   run first (to clear what the pass rebuilds)
     * @param each     adds one record's rewrite to its chunk's batch
     */
    static void ifChanged(Store store, TableDefinition table, String kind, String settings, Runnable before,
                          BiConsumer<WriteBatch.Builder, StoreEntry> each) {
        byte[] mark = (kind + "/" + table.name()).getBytes(StandardCharsets.UTF_8);
        byte[] wanted = settings.getBytes(StandardCharsets.UTF_8);
        if (Arrays.equals(store.get(Sequencer.META, mark).orElse(NOTHING), wanted)) {
            return;
        }
        before.run();
        long done = 0;
        byte[] after = null;
        while (true) {
            List<StoreEntry> chunk;
            try (var records = store.scan(Database.tableMap(table), after == null ? KeyRange.all()
                    : KeyRange.atLeast(after)).limit(CHUNK + 1)) {
                chunk = new ArrayList<>(records.toList());
            }
            if (after != null && !chunk.isEmpty()) {
                chunk.removeFirst();
            }
            if (chunk.isEmpty()) {
                break;
            }
            WriteBatch.Builder batch = WriteBatch.builder();
            chunk.forEach(entry -> each.accept(batch, entry));
            store.commit(batch.build()).join();
            done += chunk.size();
            after = chunk.getLast().key();
        }
        store.commit(WriteBatch.builder().put(Sequencer.META, mark, wanted).build()).join();
        LOG.log(done > 0 ? System.Logger.Level.INFO : System.Logger.Level.DEBUG, "{0} of {1} set to \"{2}\": {3} "
                + "records written again", kind, table.name(), settings, done);
    }
}
