package pier.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import pier.codec.Codec;
import pier.resource.Record;

/**
 * The bytes a record is stored as: version, feed sequence, flags, the node that wrote it (in a cluster),
 * its expiry time (in a table whose records expire), then the body as CBOR.
 *
 * @param version  the record's version (a hybrid logical clock: microseconds since the epoch, never
 *                 going back, advanced past every version seen from other nodes)
 * @param sequence the feed sequence of the write
 * @param opaque   whether the body is an opaque value
 * @param origin   the node that wrote this version; empty outside a cluster (and for records written
 *                 before one): the tie-break between equal versions
 * @param body     the body as CBOR
 * @param expiresAt when the record expires, in milliseconds since 1970; 0 for never (kept in the header
 *                  so that a read needs no decoding to know)
 */
record StoredRecord(long version, long sequence, boolean opaque, String origin, byte[] body, long expiresAt) {

    private static final int HEADER = Long.BYTES * 2 + 1;
    private static final byte OPAQUE = 1;
    private static final byte HAS_ORIGIN = 2;
    private static final byte EXPIRES = 4;

    StoredRecord(long version, long sequence, boolean opaque, String origin, byte[] body) {
        this(version, sequence, opaque, origin, body, 0);
    }

    /** Whether the record's time has run out: it is no longer there for any read. */
    boolean expired(long now) {
        return expiresAt != 0 && expiresAt <= now;
    }

    StoredRecord expiringAt(long time) {
        return new StoredRecord(version, sequence, opaque, origin, body, time);
    }

    byte[] encode() {
        byte[] node = origin.getBytes(StandardCharsets.UTF_8);
        int originBytes = node.length == 0 ? 0 : 1 + node.length;
        int expiryBytes = expiresAt == 0 ? 0 : Long.BYTES;
        ByteBuffer buffer = ByteBuffer.allocate(HEADER + originBytes + expiryBytes + body.length).putLong(version)
                .putLong(sequence).put((byte) ((opaque ? OPAQUE : 0) | (node.length == 0 ? 0 : HAS_ORIGIN)
                        | (expiresAt == 0 ? 0 : EXPIRES)));
        if (node.length > 0) {
            buffer.put((byte) node.length).put(node);
        }
        if (expiresAt != 0) {
            buffer.putLong(expiresAt);
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
        long expiresAt = (flags & EXPIRES) != 0 ? buffer.getLong() : 0;
        return new StoredRecord(version, sequence, (flags & OPAQUE) != 0, origin,
                Arrays.copyOfRange(bytes, buffer.position(), bytes.length), expiresAt);
    }

    Record toRecord(String id, Codec cbor) {
        return Record.stored(id, version, sequence, body, cbor, opaque);
    }
}
