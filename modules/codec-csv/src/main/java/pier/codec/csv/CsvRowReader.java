package pier.codec.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import pier.codec.CodecException;
import pier.codec.CollectionReader;

/**
 * CSV in: a header row naming the columns, then a record a row (quoted cells may span lines). Every
 * cell is text; an empty cell is an attribute left out, as an export writes a missing or null value.
 */
final class CsvRowReader implements CollectionReader {

    private final MappingIterator<Map<String, String>> rows;
    private final int maxCellChars;
    private long line;

    CsvRowReader(InputStream in, int maxCellChars) {
        this.maxCellChars = maxCellChars;
        CsvMapper mapper = CsvMapper.builder(CsvFactory.builder().streamReadConstraints(
                        StreamReadConstraints.builder().maxStringLength(maxCellChars).build()).build())
                .enable(CsvParser.Feature.FAIL_ON_MISSING_HEADER_COLUMNS)
                .enable(CsvParser.Feature.TRIM_SPACES)
                .disable(com.fasterxml.jackson.core.JsonParser.Feature.AUTO_CLOSE_SOURCE)
                .build();
        try {
            rows = mapper.readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader()).readValues(in);
        } catch (IOException e) {
            throw problem(e);
        }
    }

    @Override
    public Optional<JsonNode> next() {
        try {
            line = rows.getCurrentLocation().getLineNr();
            if (!rows.hasNextValue()) {
                return Optional.empty();
            }
            line = Math.max(line, rows.getCurrentLocation().getLineNr());
            ObjectNode record = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, String>> cells = rows.nextValue().entrySet().iterator(); cells.hasNext(); ) {
                Map.Entry<String, String> cell = cells.next();
                if (cell.getValue() != null && !cell.getValue().isEmpty()) {
                    record.put(cell.getKey(), cell.getValue());
                }
            }
            return Optional.of(record);
        } catch (IOException e) {
            throw problem(e);
        } catch (RuntimeException e) {
            throw e.getCause() instanceof IOException io ? problem(io) : e;
        }
    }

    @Override
    public long line() {
        return line;
    }

    @Override
    public long position() {
        JsonLocation at = rows.getCurrentLocation();
        return Math.max(at.getCharOffset(), at.getByteOffset());
    }

    @Override
    public boolean textOnly() {
        return true;
    }

    private RuntimeException problem(IOException e) {
        if (!(e instanceof JsonProcessingException parse)) {
            return new UncheckedIOException(e);
        }
        long at = parse.getLocation() == null ? line : parse.getLocation().getLineNr();
        String message = parse.getOriginalMessage();
        if (message != null && message.contains("String value length")) {
            return CodecException.tooLarge("line " + at + ": a cell exceeds the limit of " + maxCellChars
                    + " characters");
        }
        return CodecException.malformed("line " + at + ": " + message, -1, e);
    }
}
