package pier.engine;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import pier.query.Query;
import pier.resource.Blob;
import pier.resource.Permission;
import pier.resource.Request;
import pier.resource.ResourceException;

/** A table's side of its {@code Blob} attributes: the checks of an upload and of a read (see {@link Blobs}). */
final class TableBlobs {

    // a blob comes in and goes out a chunk at a time; this bounds what one upload may store
    private static final long MAX_BYTES = 1L << 30;

    private final Table table;
    private final Database database;
    private final AttributeGuard attributes;

    TableBlobs(Table table, Database database, AttributeGuard attributes) {
        this.table = table;
        this.database = database;
        this.attributes = attributes;
    }

    /** Stores an upload's bytes for a record the caller may write; returns the reference the record will hold. */
    JsonNode upload(Request request, String attribute, String contentType, InputStream bytes) {
        String id = request.requiredId();
        check(attribute);
        attributes.checkWrite(request.principal(), Permission.UPDATE, JsonNodeFactory.instance.objectNode()
                .putNull(attribute));
        if (table.visible(request.principal(), id).isEmpty()) {
            throw ResourceException.notFound("no record " + id + " in " + table.definition().name());
        }
        try {
            return Blobs.store(database.store(), table.definition(), contentType, bytes, MAX_BYTES);
        } catch (IOException e) {
            throw ResourceException.badRequest("the blob's bytes could not be read: " + e.getMessage(), attribute);
        }
    }

    Blob read(Request request, String attribute) {
        String id = request.requiredId();
        check(attribute);
        attributes.checked(request.principal(), Query.parse("select(" + attribute + ")"));
        JsonNode reference = table.visible(request.principal(), id).map(record -> record.value().get(attribute))
                .filter(Blobs::isReference).orElseThrow(() -> ResourceException.notFound("no blob " + attribute
                        + " in record " + id + " of " + table.definition().name()));
        return new Blob(reference.get("contentType").asText(), reference.get("size").asLong(),
                Blobs.chunks(database.store(), table.definition(), reference));
    }

    private void check(String attribute) {
        if (Blobs.attributes(table.definition()).stream().noneMatch(a -> a.name().equals(attribute))) {
            throw ResourceException.badRequest(table.definition().name() + " has no Blob attribute " + attribute,
                    "blob");
        }
    }
}
