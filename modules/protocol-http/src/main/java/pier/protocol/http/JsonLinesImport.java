package pier.protocol.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import pier.codec.Codec;
import pier.codec.CodecException;
import pier.query.Query;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;

/**
 * {@code PUT /Table/} with a JSON Lines body ({@code application/x-ndjson}): one record per line, read as
 * it arrives and written in batches, so that a body of any size costs the memory of two batches. A
 * batch is atomic; while one commits, the next is read. A line that is not a record stops the import
 * with its line number; the batches before it stay written, and the problem says how many records.
 */
final class JsonLinesImport {

    static final int BATCH_RECORDS = 5_000;
    static final long BATCH_BYTES = 16L << 20;
    private static final Pattern RECORD_INDEX = Pattern.compile("\\[(\\d+)]");
    private static final Executor COMMITS = command -> Thread.ofVirtual().name("pier-import").start(command);

    private final Resource resource;
    private final Principal principal;
    private final Codec json;
    private final int maxLineBytes;
    private long imported;
    private long line;

    JsonLinesImport(Resource resource, Principal principal, Codec json, int maxLineBytes) {
        this.resource = resource;
        this.principal = principal;
        this.json = json;
        this.maxLineBytes = maxLineBytes;
    }

    static boolean wanted(String contentType) {
        String type = contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/x-ndjson") || type.equals("application/jsonl");
    }

    /** Reads every line and writes every record; returns how many. */
    long run(InputStream body) {
        BufferedInputStream in = new BufferedInputStream(body, 1 << 16);
        CompletableFuture<Void> committing = CompletableFuture.completedFuture(null);
        try {
            for (Batch batch = read(in); !batch.records().isEmpty(); batch = read(in)) {
                await(committing);
                Batch written = batch;
                committing = CompletableFuture.runAsync(() -> write(written), COMMITS);
            }
            await(committing);
            return imported;
        } catch (IOException e) {
            await(committing);
            throw new ResourceException(ResourceException.Kind.BAD_REQUEST, "the body could not be read after line "
                    + line + ": " + e.getMessage() + "; " + imported + " records before it were imported", null, e);
        }
    }

    private record Batch(ArrayNode records, List<Long> lines) {
    }

    private Batch read(BufferedInputStream in) throws IOException {
        Batch batch = new Batch(JsonNodeFactory.instance.arrayNode(), new ArrayList<>());
        long bytes = 0;
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        while (batch.records().size() < BATCH_RECORDS && bytes < BATCH_BYTES && readLine(in, text)) {
            line++;
            bytes += text.size();
            byte[] record = text.toByteArray();
            if (!isBlank(record)) {
                batch.records().add(record(record));
                batch.lines().add(line);
            }
            text.reset();
        }
        return batch;
    }

    private JsonNode record(byte[] text) {
        try {
            JsonNode record = json.decode(text);
            if (!record.isObject()) {
                throw CodecException.malformed("a line must hold one record (a JSON object)", -1, null);
            }
            return record;
        } catch (CodecException e) {
            throw refused(line, e.getMessage(), e);
        }
    }

    // false at the end of the body; a line longer than the limit is refused
    private boolean readLine(BufferedInputStream in, ByteArrayOutputStream text) throws IOException {
        int b = in.read();
        if (b < 0) {
            return false;
        }
        while (b >= 0 && b != '\n') {
            if (text.size() >= maxLineBytes) {
                throw new ResourceException(ResourceException.Kind.TOO_LARGE, "line " + (line + 1) + " exceeds the limit "
                        + "of " + maxLineBytes + " bytes; " + imported + " records before it were imported", null, null);
            }
            text.write(b);
            b = in.read();
        }
        return true;
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

    private ResourceException refused(long at, String why, Exception cause) {
        return new ResourceException(ResourceException.Kind.BAD_REQUEST, "line " + at + ": " + why + "; " + imported
                + " records before it were imported", "line " + at, cause);
    }

    private static void await(CompletableFuture<Void> committing) {
        try {
            committing.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    private static boolean isBlank(byte[] text) {
        for (byte b : text) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
