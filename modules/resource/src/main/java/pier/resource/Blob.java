package pier.resource;

import java.util.stream.Stream;

/**
 * The bytes of a record's {@code Blob} attribute, read a chunk at a time.
 *
 * @param contentType the media type it was stored with
 * @param size        its length in bytes
 * @param chunks      its bytes, in order; close the blob when done
 */
public record Blob(String contentType, long size, Stream<byte[]> chunks) implements AutoCloseable {

    @Override
    public void close() {
        chunks.close();
    }
}
