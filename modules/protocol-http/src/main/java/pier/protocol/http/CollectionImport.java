package pier.protocol.http;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.codec.Codec;
import pier.codec.CodecException;
import pier.codec.CollectionReader;
import pier.query.Query;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;

/**
 * {@code PUT /Table/} with a body of rows — JSON Lines ({@code application/x-ndjson}) or CSV
 * ({@code text/csv}): one record a row, read as it arrives and written in batches, so that a body of any
 * size costs the memory of two batches. A batch is atomic; while one commits, the next is read. CSV cells
 * are text, converted to the table's attribute types. A row that is not a record stops the import with
 * its line number; the batches before it stay written, and the problem says how many records.
 */
final class CollectionImport {

    static final int BATCH_RECORDS = 5_000;
    static final long BATCH_BYTES = 16L << 20;
    private static final Pattern RECORD_INDEX = Pattern.compile("\\[(\\d+)]");
    private static final Executor COMMITS = command -> Thread.ofVirtual().name("pier-import").start(command);

    private final Resource resource;
    private final Principal principal;
    private final Codec rows;
    private final int maxRowBytes;
    private long imported;

    CollectionImport(Resource resource, Principal principal, Codec rows, int maxRowBytes) {
        this.resource = resource;
        this.principal = principal;
        this.rows = rows;
        this.maxRowBytes = maxRowBytes;
    }

    /** Reads every row and writes every record; returns how many. */
    long run(InputStream body) {
        CompletableFuture<Void> committing = CompletableFuture.completedFuture(null);
        CollectionReader reader = null;
        try {
            reader = rows.collectionReader(body, maxRowBytes);
            CellTypes types = reader.textOnly() ? CellTypes.of(resource.describe(Request.of(principal, null)))
                    : CellTypes.NONE;
            for (Batch batch = read(reader, types); !batch.records().isEmpty(); batch = read(reader, types)) {
                await(committing);
                Batch written = batch;
                committing = CompletableFuture.runAsync(() -> write(written), COMMITS);
            }
            await(committing);
            return imported;
        } catch (CodecException e) {
            await(committing);
            throw new ResourceException(e.kind() == CodecException.Kind.TOO_LARGE ? ResourceException.Kind.TOO_LARGE
                    : ResourceException.Kind.BAD_REQUEST, e.getMessage() + "; " + imported
                    + " records before it were imported", reader == null ? null : "line " + reader.line(), e);
        } catch (UncheckedIOException e) {
            await(committing);
            throw new ResourceException(ResourceException.Kind.BAD_REQUEST, "the body could not be read after line "
                    + (reader == null ? 0 : reader.line()) + ": " + e.getCause().getMessage() + "; " + imported
                    + " records before it were imported", null, e);
        }
    }

    private record Batch(ArrayNode records, List<Long> lines) {
    }

    private Batch read(CollectionReader reader, CellTypes types) {
        Batch batch = new Batch(JsonNodeFactory.instance.arrayNode(), new ArrayList<>());
        long start = reader.position();
        while (batch.records().size() < BATCH_RECORDS && reader.position() - start < BATCH_BYTES) {
            Optional<JsonNode> record = reader.next();
            if (record.isEmpty()) {
                break;
            }
            batch.records().add(types.converted((ObjectNode) record.get(), reader.line()));
            batch.lines().add(reader.line());
        }
        return batch;
    }

    private void write(Batch batch) {
        try {
            resource.putAll(new Request(principal, Optional.empty(), Query.ALL, Optional.of(
                    new Content.Structured(batch.records())), Optional.empty()));
            imported += batch.records().size();
        } catch (ResourceException e) {
            // the table names a record by its index in the batch: say its line
            Matcher index = RECORD_INDEX.matcher(e.pointer().orElse(""));
            if (!index.lookingAt()) {
                throw e;
            }
            long at = batch.lines().get(Integer.parseInt(index.group(1)));
            throw new ResourceException(e.kind(), "line " + at + ": " + e.getMessage().replaceFirst(
                    "^record \\[\\d+]: ", "") + "; " + imported + " records before it were imported",
                    "line " + at + e.pointer().orElseThrow().substring(index.end()), e);
        }
    }

    private static void await(CompletableFuture<Void> committing) {
        try {
            committing.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }
}
