package pier.engine;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One planned write: a new body for a record, or its deletion.
 *
 * @param table  the table
 * @param id     the record's id
 * @param key    the encoded primary key
 * @param body   the new body, or empty to delete
 * @param opaque whether the body is an opaque value
 * @param stamp  the version and node of a change another node made; null for a change made here (the
 *               sequencer gives it the next version)
 * @param expiry whether it is the deletion of a record whose time ran out
 */
record Mutation(TableDefinition table, String id, byte[] key, Optional<JsonNode> body, boolean opaque, Stamp stamp,
                boolean expiry) {

    Mutation(TableDefinition table, String id, byte[] key, Optional<JsonNode> body, boolean opaque, Stamp stamp) {
        this(table, id, key, body, opaque, stamp, false);
    }

    static Mutation put(TableDefinition table, String id, byte[] key, JsonNode body, boolean opaque) {
        return new Mutation(table, id, key, Optional.of(body), opaque, null);
    }

    static Mutation delete(TableDefinition table, String id, byte[] key) {
        return new Mutation(table, id, key, Optional.empty(), false, null);
    }

    static Mutation expire(TableDefinition table, String id, byte[] key) {
        return new Mutation(table, id, key, Optional.empty(), false, null, true);
    }

    String pendingKey() {
        return table.name() + '\u0000' + id;
    }
}
