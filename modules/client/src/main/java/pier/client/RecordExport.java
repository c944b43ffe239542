package pier.client;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.LongConsumer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.codec.CollectionWriter;

/** Copies a streamed JSON array of records into CSV (the server's own CSV codec) or JSON Lines. */
final class RecordExport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROGRESS_EVERY = 100;

    private RecordExport() {
    }

    static long write(JsonParser array, List<String> columns, ExportFormat format, OutputStream out,
                      LongConsumer progress) throws IOException {
        if (array.nextToken() != JsonToken.START_ARRAY) {
            throw new IOException("the server did not answer an array of records");
        }
        long written = 0;
        try (CollectionWriter csv = format == ExportFormat.CSV ? csv(out) : null) {
            while (array.nextToken() == JsonToken.START_OBJECT) {
                JsonNode record = array.readValueAsTree();
                if (csv != null) {
                    csv.write(cut(record, columns));
                } else {
                    out.write(JSON.writeValueAsBytes(record));
                    out.write('\n');
                }
                if (++written % PROGRESS_EVERY == 0) {
                    progress.accept(written);
                }
            }
        }
        out.flush();
        progress.accept(written);
        return written;
    }

    private static CollectionWriter csv(OutputStream out) {
        return Format.CODECS.forContentType("text/csv")
                .orElseThrow(() -> new IllegalStateException("no CSV codec on the module path"))
                .collectionWriter(out, CollectionWriter.UNKNOWN_COUNT);
    }

    /** The record with exactly the view's columns, in order, so every CSV row has the header's shape. */
    private static ObjectNode cut(JsonNode record, List<String> columns) {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        for (String column : columns) {
            row.set(column, record.path(column).isMissingNode() ? JsonNodeFactory.instance.nullNode()
                    : record.get(column));
        }
        return row;
    }
}
