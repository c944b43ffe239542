package pier.engine;

import java.nio.ByteBuffer;
import java.util.Arrays;

import pier.codec.Codec;
import pier.resource.Record;

/**
 * The bytes a record is stored as: version, feed sequence, flags, then the body as CBOR.
 *
 * @param version  the record's version (milliseconds since the epoch, increasing per write)
 * @param sequence the feed sequence of the write
 * @param opaque   whether the body is an opaque value
 * @param body     the body as CBOR
 */
record StoredRecord(long version, long sequence, boolean opaque, byte[] body) {

    private static final int HEADER = Long.BYTES * 2 + 1;

    byte[] encode() {
        return ByteBuffer.allocate(HEADER + body.length).putLong(version).putLong(sequence)
                .put((byte) (opaque ? 1 : 0)).put(body).array();
    }

    static StoredRecord decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new StoredRecord(buffer.getLong(), buffer.getLong(), buffer.get() == 1,
                Arrays.copyOfRange(bytes, HEADER, bytes.length));
    }

    Record toRecord(String id, Codec cbor) {
        return Record.stored(id, version, sequence, body, cbor, opaque);
    }
}
