package pier.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import pier.codec.Codec;
import pier.resource.Record;

/**
 * The bytes a record is stored as: version, feed sequence, flags, the node that wrote it (in a cluster),
 * then the body as CBOR.
 *
 * @param version  the record's version (a hybrid logical clock: microseconds since the epoch, never
 *                 going back, advanced past every version seen from other nodes)
 * @param sequence the feed sequence of the write
 * @param opaque   whether the body is an opaque value
 * @param origin   the node that wrote this version; empty outside a cluster (and for records written
 *                 before one): the tie-break between equal versions
 * @param body     the body as CBOR
 */
record StoredRecord(long version, long sequence, boolean opaque, String origin, byte[] body) {

    private static final int HEADER = Long.BYTES * 2 + 1;
    private static final byte OPAQUE = 1;
    private static final byte HAS_ORIGIN = 2;

    byte[] encode() {
        byte[] node = origin.getBytes(StandardCharsets.UTF_8);
        int originBytes = node.length == 0 ? 0 : 1 + node.length;
        ByteBuffer buffer = ByteBuffer.allocate(HEADER + originBytes + body.length).putLong(version).putLong(sequence)
                .put((byte) ((opaque ? OPAQUE : 0) | (node.length == 0 ? 0 : HAS_ORIGIN)));
        if (node.length > 0) {
            buffer.put((byte) node.length).put(node);
        }
        return buffer.put(body).array();
    }

    static StoredRecord decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long version = buffer.getLong();
        long sequence = buffer.getLong();
        byte flags = buffer.get();
        String origin = "";
        if ((flags & HAS_ORIGIN) != 0) {
            byte[] node = new byte[buffer.get() & 0xff];
            buffer.get(node);
            origin = new String(node, StandardCharsets.UTF_8);
        }
        return new StoredRecord(version, sequence, (flags & OPAQUE) != 0, origin,
                Arrays.copyOfRange(bytes, buffer.position(), bytes.length));
    }

    Record toRecord(String id, Codec cbor) {
        return Record.stored(id, version, sequence, body, cbor, opaque);
    }
}
