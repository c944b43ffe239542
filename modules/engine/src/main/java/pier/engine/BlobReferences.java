package pier.engine;

import java.io.IOException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import pier.store.KeyRange;

/**
 * The blobs a backup's records refer to at its end: the latest version each record has in the backup
 * decides, so that a blob only an older version referred to is not copied. Tables without a {@code Blob}
 * attribute cost nothing here.
 */
final class BlobReferences {

    /** Where a backup entry goes. */
    @FunctionalInterface
    interface Entries {
        void put(String map, byte[] key, byte[] value) throws IOException;
    }

    private final Database database;
    // table map and record key → the blob ids of its latest version
    private final Map<String, List<byte[]>> latest = new HashMap<>();

    BlobReferences(Database database) {
        this.database = database;
    }

    void put(TableDefinition table, byte[] key, byte[] storedRecord) {
        if (Blobs.attributes(table).isEmpty()) {
            return;
        }
        StoredRecord record = StoredRecord.decode(storedRecord);
        List<byte[]> ids = record.opaque() ? List.of() : Blobs.referenced(table, database.cbor().decode(record.body()));
        String at = Blobs.map(table) + "/" + HexFormat.of().formatHex(key);
        if (ids.isEmpty()) {
            latest.remove(at);
        } else {
            latest.put(at, ids);
        }
    }

    void remove(TableDefinition table, byte[] key) {
        latest.remove(Blobs.map(table) + "/" + HexFormat.of().formatHex(key));
    }

    /** Writes the chunks of every blob referred to, once each. */
    void write(Entries entries) throws IOException {
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        latest.forEach((at, ids) -> {
            String map = at.substring(0, at.lastIndexOf('/'));
            ids.forEach(id -> blobs.put(map + "/" + HexFormat.of().formatHex(id), id));
        });
        for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
            String map = blob.getKey().substring(0, blob.getKey().lastIndexOf('/'));
            try (var chunks = database.store().scan(map, KeyRange.prefix(blob.getValue()))) {
                for (var it = chunks.iterator(); it.hasNext(); ) {
                    var chunk = it.next();
                    entries.put(map, chunk.key(), chunk.value());
                }
            }
        }
    }
}
