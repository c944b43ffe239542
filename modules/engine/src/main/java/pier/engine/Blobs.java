package pier.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.resource.ResourceException;
import pier.store.KeyRange;
import pier.store.Store;
import pier.store.StoreEntry;
import pier.store.WriteBatch;

/**
 * The bytes of {@code Blob} attributes, kept beside the records in chunks of {@value #CHUNK} bytes (map
 * {@code blob/<table>}, key = the blob's id, then the chunk's number), so that a blob of any size is
 * read from a request and written to a response a chunk at a time, never whole. The record holds a
 * reference, {@code {"blob": id, "contentType", "size"}}; a blob no record refers to any more is deleted
 * in the commit that drops the reference.
 */
final class Blobs {

    static final int CHUNK = 256 * 1024;
    // chunks committed together while a blob comes in
    private static final int CHUNKS_PER_COMMIT = 4;

    private Blobs() {
    }

    static String map(TableDefinition table) {
        return "blob/" + table.name();
    }

    static List<Attribute> attributes(TableDefinition table) {
        return table.attributes().values().stream().filter(a -> a.type() instanceof AttributeType.Scalar scalar
                && scalar.kind() == AttributeType.Kind.BLOB).toList();
    }

    /**
     * Stores a blob as it comes in.
     *
     * @param maxBytes the largest blob accepted
     * @return the reference a record holds
     * @throws ResourceException {@code TOO_LARGE} past the limit (what was stored of it is deleted)
     */
    static ObjectNode store(Store store, TableDefinition table, String contentType, InputStream in, long maxBytes)
            throws IOException {
        UUID uuid = UUID.randomUUID();
        byte[] id = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
        long size = 0;
        int chunk = 0;
        WriteBatch.Builder batch = WriteBatch.builder();
        for (byte[] bytes = in.readNBytes(CHUNK); bytes.length > 0; bytes = in.readNBytes(CHUNK)) {
            size += bytes.length;
            if (size > maxBytes) {
                store.commit(batch.build()).join();
                delete(store, table, id);
                throw new ResourceException(ResourceException.Kind.TOO_LARGE, "a blob has at most " + maxBytes
                        + " bytes", null, null);
            }
            batch.put(map(table), key(id, chunk++), bytes);
            if (chunk % CHUNKS_PER_COMMIT == 0) {
                store.commit(batch.build()).join();
                batch = WriteBatch.builder();
            }
        }
        if (chunk % CHUNKS_PER_COMMIT != 0) {
            store.commit(batch.build()).join();
        }
        return JsonNodeFactory.instance.objectNode().put("blob", HexFormat.of().formatHex(id))
                .put("contentType", contentType).put("size", size);
    }

    /** A blob's chunks, in order; close the stream when done. */
    static Stream<byte[]> chunks(Store store, TableDefinition table, JsonNode reference) {
        return store.scan(map(table), KeyRange.prefix(id(reference))).map(StoreEntry::value);
    }

    /**
     * Adds to a record write's batch the deletion of the blobs it no longer refers to, unless a backup
     * runs: then {@code hold} keeps them until it ends.
     */
    static void update(WriteBatch.Builder batch, Store store, TableDefinition table, JsonNode before, JsonNode after,
                       BlobHold hold) {
        if (before == null) {
            return;
        }
        for (Attribute attribute : attributes(table)) {
            JsonNode old = before.get(attribute.name());
            JsonNode now = after == null ? null : after.get(attribute.name());
            if (old != null && old.has("blob") && (now == null || !old.get("blob").equals(now.get("blob")))
                    && !hold.keep(map(table), id(old))) {
                try (var chunks = store.scan(map(table), KeyRange.prefix(id(old)))) {
                    chunks.forEach(chunk -> batch.delete(map(table), chunk.key()));
                }
            }
        }
    }

    private static void delete(Store store, TableDefinition table, byte[] id) {
        WriteBatch.Builder batch = WriteBatch.builder();
        try (var chunks = store.scan(map(table), KeyRange.prefix(id))) {
            chunks.forEach(chunk -> batch.delete(map(table), chunk.key()));
        }
        store.commit(batch.build()).join();
    }

    /**
     * Deletes the chunks of blobs no record refers to, once per store and set of blob attributes (a store
     * restored from a backup and its increments holds those that the increments' records dropped).
     */
    static void reconcile(Store store, List<TableDefinition> tables, pier.codec.Codec cbor) {
        for (TableDefinition table : tables) {
            List<Attribute> attributes = attributes(table);
            byte[] mark = ("blobs/" + table.name()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] wanted = attributes.stream().map(Attribute::name).toList().toString()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (attributes.isEmpty() || java.util.Arrays.equals(store.get(Sequencer.META, mark).orElse(null), wanted)) {
                continue;
            }
            java.util.Set<String> referenced = new java.util.HashSet<>();
            try (var records = store.scan(Database.tableMap(table), KeyRange.all())) {
                records.forEach(entry -> {
                    StoredRecord record = StoredRecord.decode(entry.value());
                    if (!record.opaque()) {
                        referenced(table, cbor.decode(record.body())).forEach(id -> referenced.add(
                                HexFormat.of().formatHex(id)));
                    }
                });
            }
            WriteBatch.Builder orphans = WriteBatch.builder();
            long deleted = 0;
            try (var chunks = store.scan(map(table), KeyRange.all())) {
                for (var it = chunks.iterator(); it.hasNext(); ) {
                    byte[] key = it.next().key();
                    if (!referenced.contains(HexFormat.of().formatHex(key, 0, 16))) {
                        orphans.delete(map(table), key);
                        deleted++;
                    }
                }
            }
            store.commit(orphans.put(Sequencer.META, mark, wanted).build()).join();
            if (deleted > 0) {
                System.getLogger(Blobs.class.getName()).log(System.Logger.Level.INFO,
                        "{0}: deleted {1} chunks of blobs no record refers to", table.name(), deleted);
            }
        }
    }

    /** The ids of the blobs a record refers to. */
    static List<byte[]> referenced(TableDefinition table, JsonNode record) {
        List<byte[]> ids = new java.util.ArrayList<>();
        for (Attribute attribute : attributes(table)) {
            JsonNode value = record.get(attribute.name());
            if (value != null && isReference(value)) {
                ids.add(id(value));
            }
        }
        return ids;
    }

    private static byte[] id(JsonNode reference) {
        return HexFormat.of().parseHex(reference.get("blob").asText());
    }

    private static byte[] key(byte[] id, int chunk) {
        return ByteBuffer.allocate(id.length + Integer.BYTES).put(id).putInt(chunk).array();
    }

    static boolean isReference(JsonNode value) {
        return value.isObject() && value.path("blob").isTextual() && value.path("size").isIntegralNumber();
    }
}
