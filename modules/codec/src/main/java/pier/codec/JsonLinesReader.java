package pier.codec;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/** JSON Lines in: an object a line, blank lines skipped, a line longer than the limit refused. */
final class JsonLinesReader implements CollectionReader {

    private final BufferedInputStream in;
    private final Codec json;
    private final int maxLineBytes;
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private long line;
    private long position;

    JsonLinesReader(InputStream in, Codec json, int maxLineBytes) {
        this.in = new BufferedInputStream(in, 1 << 16);
        this.json = json;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public Optional<JsonNode> next() {
        try {
            while (readLine()) {
                line++;
                byte[] bytes = text.toByteArray();
                text.reset();
                if (!isBlank(bytes)) {
                    return Optional.of(record(bytes));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long line() {
        return line;
    }

    @Override
    public long position() {
        return position;
    }

    private JsonNode record(byte[] bytes) {
        JsonNode record;
        try {
            record = json.decode(bytes);
        } catch (CodecException e) {
            throw CodecException.malformed("line " + line + ": " + e.getMessage(), e.offset(), e);
        }
        if (!record.isObject()) {
            throw CodecException.malformed("line " + line + ": a line must hold one record (a JSON object)", -1, null);
        }
        return record;
    }

    // false at the end of the input
    private boolean readLine() throws IOException {
        int b = in.read();
        if (b < 0) {
            return false;
        }
        while (b >= 0 && b != '\n') {
            if (text.size() >= maxLineBytes) {
                throw CodecException.tooLarge("line " + (line + 1) + " exceeds the limit of " + maxLineBytes + " bytes");
            }
            text.write(b);
            position++;
            b = in.read();
        }
        position++;
        return true;
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
