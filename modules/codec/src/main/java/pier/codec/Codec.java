package pier.codec;

import java.io.OutputStream;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One wire format for structured values: decodes bytes into a Jackson tree and encodes a tree into bytes.
 * Implementations are thread-safe and enforce the {@link CodecLimits} they were created with.
 */
public interface Codec {

    /**
     * The media types this codec answers to, lower case and without parameters; the first is canonical and
     * is the one written in {@code Content-Type}.
     *
     * @return at least one media type
     */
    List<String> mediaTypes();

    /**
     * The canonical media type.
     *
     * @return the first of {@link #mediaTypes()}
     */
    default String mediaType() {
        return mediaTypes().getFirst();
    }

    /**
     * Where this format stands when a client accepts several at the same quality: higher wins.
     *
     * @return the server's preference
     */
    int preference();

    /**
     * Whether this codec decodes input; output-only formats (CSV) do not.
     *
     * @return true when {@link #decode(byte[])} is supported
     */
    boolean decodes();

    /**
     * Decodes exactly one value.
     *
     * @param bytes the encoded value, nothing before or after it
     * @return the value
     * @throws CodecException when the bytes are malformed, exceed a limit, or this codec does not decode
     */
    JsonNode decode(byte[] bytes);

    /**
     * Encodes one value.
     *
     * @param value the value
     * @return its encoding
     * @throws CodecException when the value cannot be represented in this format
     */
    byte[] encode(JsonNode value);

    /**
     * Starts streaming a collection (an array in structured formats, rows in CSV) to {@code out}.
     *
     * @param out   where the encoding goes; not closed by the writer
     * @param count the exact number of elements that will be written, or {@link CollectionWriter#UNKNOWN_COUNT}
     * @return a writer that must be closed to finish the collection
     */
    CollectionWriter collectionWriter(OutputStream out, long count);

    /**
     * Whether this format is read as a stream of rows (JSON Lines, CSV), with {@link #collectionReader}.
     *
     * @return false by default
     */
    default boolean readsRows() {
        return false;
    }

    /**
     * Starts reading a collection of rows from {@code in}, element by element.
     *
     * @param in              the input; not closed by the reader
     * @param maxElementBytes the largest element accepted
     * @return the reader
     * @throws CodecException when this format is not read as rows ({@link #readsRows()} is false)
     */
    default CollectionReader collectionReader(java.io.InputStream in, int maxElementBytes) {
        throw CodecException.unsupported(mediaType() + " is not read as rows");
    }
}
