package pier.codec.csv;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import pier.codec.CodecException;
import pier.codec.CollectionWriter;

/**
 * Writes records as CSV rows. The columns are the attributes of the first record (or {@code value} when
 * it is not an object); strings are quoted, numbers and booleans bare, missing and null values empty,
 * nested arrays and objects written as JSON text. Attributes that first appear in a later record have
 * no column.
 */
final class CsvRowWriter implements CollectionWriter {

    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_STRINGS)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();
    private static final String VALUE_COLUMN = "value";

    private final OutputStream out;
    private List<String> columns;
    private SequenceWriter rows;

    CsvRowWriter(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(JsonNode element) {
        try {
            if (rows == null) {
                start(element);
            }
            rows.write(row(element));
        } catch (IOException e) {
            throw CodecException.unrepresentable("cannot write CSV: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            if (rows != null) {
                rows.close();
            }
            out.flush();
        } catch (IOException e) {
            throw CodecException.unrepresentable("cannot write CSV: " + e.getMessage(), e);
        }
    }

    private void start(JsonNode first) throws IOException {
        columns = new ArrayList<>();
        if (first.isObject()) {
            first.fieldNames().forEachRemaining(columns::add);
        } else {
            columns.add(VALUE_COLUMN);
        }
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        columns.forEach(schema::addColumn);
        rows = MAPPER.writer(schema.build()).writeValues(out);
    }

    private ObjectNode row(JsonNode element) {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        if (!element.isObject()) {
            row.set(VALUE_COLUMN, cell(element));
            return row;
        }
        for (String column : columns) {
            JsonNode value = element.get(column);
            if (value != null) {
                row.set(column, cell(value));
            }
        }
        return row;
    }

    private static JsonNode cell(JsonNode value) {
        if (value.isContainerNode()) {
            return JsonNodeFactory.instance.textNode(value.toString());
        }
        if (value.isBinary()) {
            return JsonNodeFactory.instance.textNode(value.asText());
        }
        return value.isNull() ? JsonNodeFactory.instance.nullNode() : value;
    }
}
