package pier.engine;

import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.codec.Codec;
import pier.store.Store;

/**
 * Keeps the stored values of {@code @computed} attributes true to the schema: set in every write (see
 * {@link RecordBodies#compute}), and computed again for every record, with their indexes, at the first
 * start after their expressions changed.
 */
final class ComputedAttributes {

    private ComputedAttributes() {
    }

    /** Runs at start, and for functions when plugins have provided them (until then they are left alone). */
    static void reconcile(Store store, List<TableDefinition> tables, Codec cbor) {
        for (TableDefinition table : tables) {
            if (table.attributes().values().stream().anyMatch(a -> a.computed().filter(Expression.Call.class::isInstance)
                    .map(call -> ((Expression.Call) call).target().get() == null).orElse(false))) {
                continue;
            }
            String settings = table.attributes().values().stream().filter(a -> a.computed().isPresent())
                    .map(a -> a.name() + "=" + a.computed().get()).collect(Collectors.joining(";"));
            TableRewrite.ifChanged(store, table, "computed", settings, () -> { }, (batch, entry) -> {
                StoredRecord record = StoredRecord.decode(entry.value());
                JsonNode before = cbor.decode(record.body());
                if (record.opaque() || !before.isObject()) {
                    return;
                }
                ObjectNode after = ((ObjectNode) before).deepCopy();
                RecordBodies.compute(table, after);
                if (!after.equals(before)) {
                    batch.put(Database.tableMap(table), entry.key(), new StoredRecord(record.version(),
                            record.sequence(), false, record.origin(), cbor.encode(after), record.expiresAt()).encode());
                    Indexes.update(batch, table, entry.key(), before, after);
                }
            });
        }
    }
}
