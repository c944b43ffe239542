package pier.codec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Streams the elements of one collection into an output; {@link #close()} finishes the collection
 * (for example the closing bracket) but leaves the underlying output open.
 */
public interface CollectionWriter extends AutoCloseable {

    /** Passed as the element count when the writer cannot know it in advance. */
    long UNKNOWN_COUNT = -1;

    /**
     * Writes the next element.
     *
     * @param element the element
     * @throws CodecException when the element cannot be represented or the output fails
     */
    void write(JsonNode element);

    /**
     * Finishes the collection and flushes it.
     *
     * @throws CodecException when the output fails or fewer elements were written than announced
     */
    @Override
    void close();

    /**
     * The encoding of a value by a format that writes rows (CSV, JSON Lines): an array's elements as rows,
     * anything else as one row.
     *
     * @param codec the format
     * @param value the value
     * @return the rows
     */
    static byte[] rows(Codec codec, JsonNode value) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (CollectionWriter rows = codec.collectionWriter(out, UNKNOWN_COUNT)) {
            if (value.isArray()) {
                value.forEach(rows::write);
            } else {
                rows.write(value);
            }
        }
        return out.toByteArray();
    }
}
