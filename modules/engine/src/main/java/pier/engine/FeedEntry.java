package pier.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import pier.codec.Codec;
import pier.resource.Event;

/**
 * One change in the persisted feed, written in the same commit as the record it changes.
 *
 * <p>A value is stored once. A put's entry holds no body while the record it wrote is the table's
 * current one (the table holds it); when the record is replaced or deleted, its value moves into its
 * entry, so that the feed still tells what each retained change wrote. A message's entry holds the
 * message, since no table does.
 *
 * @param sequence the global commit order
 * @param version  the version the change gave the record
 * @param table    the table's name
 * @param id       the record's id
 * @param kind     what the change is
 * @param origin   the node that made the change; empty outside a cluster
 * @param record   the record after a put, the message of a message
 */
public record FeedEntry(long sequence, long version, String table, String id, Kind kind, String origin,
                        Optional<StoredRecord> record) {

    // set on the kind's byte when the node that made the change follows the id
    private static final int HAS_ORIGIN = 0x80;

    /** What a feed entry is; stored as its ordinal, so new kinds go at the end. */
    public enum Kind {
        /** A record was written. */
        PUT,
        /** A record was deleted. */
        DELETE,
        /** A message no table holds (e.g. for durable MQTT sessions). */
        MESSAGE,
        /** A record was deleted because its time ran out. */
        EXPIRE
    }

    static byte[] key(long sequence) {
        return ByteBuffer.allocate(Long.BYTES).putLong(sequence).array();
    }

    /** The entry as stored while its record is the table's current one: a put without its body. */
    byte[] encodeCurrent() {
        return kind == Kind.PUT ? encode(new byte[0]) : encode();
    }

    byte[] encode() {
        return encode(record.map(StoredRecord::encode).orElse(new byte[0]));
    }

    FeedEntry withRecord(StoredRecord written) {
        return new FeedEntry(sequence, version, table, id, kind, origin, Optional.of(written));
    }

    private byte[] encode(byte[] body) {
        byte[] tableName = table.getBytes(StandardCharsets.UTF_8);
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        byte[] node = origin.getBytes(StandardCharsets.UTF_8);
        int originBytes = node.length == 0 ? 0 : 1 + node.length;
        ByteBuffer buffer = ByteBuffer.allocate(1 + Long.BYTES + 2 + tableName.length + 4 + idBytes.length
                        + originBytes + body.length)
                .put((byte) (kind.ordinal() | (node.length == 0 ? 0 : HAS_ORIGIN))).putLong(version)
                .putShort((short) tableName.length).put(tableName).putInt(idBytes.length).put(idBytes);
        if (node.length > 0) {
            buffer.put((byte) node.length).put(node);
        }
        return buffer.put(body).array();
    }

    static FeedEntry decode(byte[] key, byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        int kindByte = buffer.get() & 0xff;
        Kind kind = Kind.values()[kindByte & ~HAS_ORIGIN];
        long version = buffer.getLong();
        byte[] tableName = new byte[buffer.getShort()];
        buffer.get(tableName);
        byte[] id = new byte[buffer.getInt()];
        buffer.get(id);
        String origin = "";
        if ((kindByte & HAS_ORIGIN) != 0) {
            byte[] node = new byte[buffer.get() & 0xff];
            buffer.get(node);
            origin = new String(node, StandardCharsets.UTF_8);
        }
        Optional<StoredRecord> record = buffer.hasRemaining()
                ? Optional.of(StoredRecord.decode(Arrays.copyOfRange(value, buffer.position(), value.length)))
                : Optional.empty();
        return new FeedEntry(ByteBuffer.wrap(key).getLong(), version, new String(tableName, StandardCharsets.UTF_8),
                new String(id, StandardCharsets.UTF_8), kind, origin, record);
    }

    /**
     * This change as a subscription event.
     *
     * @param cbor the CBOR codec, to decode the record when needed
     * @return the event
     */
    public Event toEvent(Codec cbor) {
        return switch (kind) {
            case PUT -> new Event.Put(record.orElseThrow().toRecord(id, cbor));
            case DELETE -> new Event.Delete(id, version, sequence, Event.Reason.DELETED);
            case EXPIRE -> new Event.Delete(id, version, sequence, Event.Reason.EXPIRED);
            case MESSAGE -> new Event.Message(record.orElseThrow().toRecord(id, cbor), sequence);
        };
    }
}
