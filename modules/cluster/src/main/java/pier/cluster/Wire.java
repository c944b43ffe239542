package pier.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import pier.engine.Replication;
import pier.resource.MessageRelay;

/** How changes, messages and snapshot pages look on NATS: small binary bodies, written and read here only. */
final class Wire {

    private Wire() {
    }

    static byte[] change(Replication.Change change) {
        return write(out -> writeChange(out, change));
    }

    static Replication.Change change(byte[] body) {
        return read(body, Wire::readChange);
    }

    static byte[] relayed(MessageRelay.Relayed message) {
        return write(out -> {
            out.writeUTF(message.topic());
            out.writeByte(message.qos());
            out.writeBoolean(message.retain());
            out.writeUTF(message.contentType().orElse(""));
            writeBytes(out, message.extra());
            out.write(message.payload());
        });
    }

    static MessageRelay.Relayed relayed(String channel, byte[] body) {
        return read(body, in -> {
            String topic = in.readUTF();
            int qos = in.readByte();
            boolean retain = in.readBoolean();
            String type = in.readUTF();
            byte[] extra = readBytes(in);
            return new MessageRelay.Relayed(channel, topic, qos, retain,
                    type.isEmpty() ? Optional.empty() : Optional.of(type), in.readAllBytes(),
                    extra == null ? new byte[0] : extra);
        });
    }

    /** A request for a page of a table: its name, records or tombstones, the key to read after. */
    record PageRequest(String table, boolean tombstones, Optional<byte[]> after) {
    }

    static byte[] pageRequest(PageRequest request) {
        return write(out -> {
            out.writeUTF(request.table());
            out.writeBoolean(request.tombstones());
            writeBytes(out, request.after().orElse(null));
        });
    }

    static PageRequest pageRequest(byte[] body) {
        return read(body, in -> new PageRequest(in.readUTF(), in.readBoolean(), Optional.ofNullable(readBytes(in))));
    }

    static byte[] page(Replication.Page page) {
        return write(out -> {
            out.writeInt(page.changes().size());
            for (Replication.Change change : page.changes()) {
                writeChange(out, change);
            }
            writeBytes(out, page.next().orElse(null));
        });
    }

    static Replication.Page page(byte[] body) {
        return read(body, in -> {
            int count = in.readInt();
            List<Replication.Change> changes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                changes.add(readChange(in));
            }
            return new Replication.Page(changes, Optional.ofNullable(readBytes(in)));
        });
    }

    /** Where a peer's state stands: its id and the log position its state holds every change up to. */
    record Position(String node, long applied) {
    }

    static byte[] position(Position position) {
        return write(out -> {
            out.writeUTF(position.node());
            out.writeLong(position.applied());
        });
    }

    static Position position(byte[] body) {
        return read(body, in -> new Position(in.readUTF(), in.readLong()));
    }

    private static void writeChange(DataOutputStream out, Replication.Change change) throws IOException {
        out.writeLong(change.position());
        out.writeUTF(change.table());
        out.writeUTF(change.id());
        out.writeLong(change.version());
        out.writeUTF(change.origin());
        out.writeBoolean(change.opaque());
        writeBytes(out, change.body());
    }

    private static Replication.Change readChange(DataInputStream in) throws IOException {
        return new Replication.Change(in.readLong(), in.readUTF(), in.readUTF(), in.readLong(), in.readUTF(),
                in.readBoolean(), readBytes(in));
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        return length < 0 ? null : in.readNBytes(length);
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] body, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            return reader.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("a cluster message that does not decode: " + e, e);
        }
    }
}
