package pier.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A version with the node that made it: what decides between two writes to one record on different
 * nodes. The greater version wins; equal versions are ordered by node id, so every node picks the same
 * winner whatever order the writes arrive in.
 *
 * @param version the hybrid-logical-clock version
 * @param origin  the node; empty outside a cluster
 */
record Stamp(long version, String origin) implements Comparable<Stamp> {

    @Override
    public int compareTo(Stamp other) {
        int byVersion = Long.compare(version, other.version);
        return byVersion != 0 ? byVersion : origin.compareTo(other.origin);
    }

    static Stamp of(StoredRecord record) {
        return new Stamp(record.version(), record.origin());
    }

    /** As a tombstone stores it: the version, then the node's id. */
    byte[] encode() {
        byte[] node = origin.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + node.length).putLong(version).put(node).array();
    }

    static Stamp decode(byte[] bytes) {
        return new Stamp(ByteBuffer.wrap(bytes).getLong(),
                new String(Arrays.copyOfRange(bytes, Long.BYTES, bytes.length), StandardCharsets.UTF_8));
    }
}
