package pier.store.mapdb;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import pier.store.WriteBatch;

/**
 * Pier's own redo log: every batch is appended here, checksummed, and forced to disk before MapDB sees
 * it. After an unclean stop the last checkpoint is restored and the journal replayed onto it, so a
 * store never depends on MapDB surviving a crash. Records are {@code length, CRC32C, batch}; a torn
 * record at the end (a crash mid-append) is where replay stops and the file is cut.
 */
final class Journal implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;

    private Journal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    static Journal open(Path file) {
        try {
            return new Journal(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open journal " + file, e);
        }
    }

    /** Appends the batches and forces them to disk; returns the size before, to undo with {@link #cut}. */
    long append(List<WriteBatch> batches) throws IOException {
        long before = channel.size();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (WriteBatch batch : batches) {
            byte[] payload = encode(batch);
            CRC32C crc = new CRC32C();
            crc.update(payload);
            out.writeInt(payload.length);
            out.writeInt((int) crc.getValue());
            out.write(payload);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
        long position = before;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        channel.force(false);
        return before;
    }

    /** Cuts the journal back to a size: undoes an append whose batches were not applied, or empties it. */
    void cut(long size) throws IOException {
        channel.truncate(size);
        channel.force(true);
    }

    long size() throws IOException {
        return channel.size();
    }

    /** Feeds every whole record to {@code apply}, in order, and cuts off a torn tail; returns the count. */
    long replay(Consumer<WriteBatch> apply) throws IOException {
        ByteBuffer journal = ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file));
        long count = 0;
        while (journal.remaining() >= 8) {
            int start = journal.position();
            int length = journal.getInt();
            int checksum = journal.getInt();
            if (length < 0 || length > journal.remaining()) {
                journal.position(start);
                break;
            }
            byte[] payload = new byte[length];
            journal.get(payload);
            CRC32C crc = new CRC32C();
            crc.update(payload);
            if ((int) crc.getValue() != checksum) {
                journal.position(start);
                break;
            }
            apply.accept(decode(payload));
            count++;
        }
        if (journal.position() < channel.size()) {
            // a record cut short by a crash was never acknowledged
            cut(journal.position());
        }
        return count;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static byte[] encode(WriteBatch batch) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(batch.operations().size());
        for (WriteBatch.Operation operation : batch.operations()) {
            byte[] map = operation.map().getBytes(StandardCharsets.UTF_8);
            out.writeBoolean(operation.isDelete());
            out.writeInt(map.length);
            out.write(map);
            out.writeInt(operation.key().length);
            out.write(operation.key());
            if (!operation.isDelete()) {
                out.writeInt(operation.value().length);
                out.write(operation.value());
            }
        }
        return bytes.toByteArray();
    }

    private static WriteBatch decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        WriteBatch.Builder batch = WriteBatch.builder();
        for (int i = in.readInt(); i > 0; i--) {
            boolean delete = in.readBoolean();
            String map = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
            byte[] key = in.readNBytes(in.readInt());
            if (delete) {
                batch.delete(map, key);
            } else {
                batch.put(map, key, in.readNBytes(in.readInt()));
            }
        }
        return batch.build();
    }
}
