package pier.store.mapdb;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import pier.store.WriteBatch;

/**
 * Pier's own redo log: every batch is appended here, checksummed, and forced to disk before MapDB sees
 * it. The log is a series of segment files ({@code pier.journal.<n>}); a checkpoint rolls to a new
 * segment and, once the pages it froze are in the MapDB file, deletes the segments it covers. After
 * an unclean stop the segments left are replayed onto the file. Records are {@code length, CRC32C,
 * batch}; a torn record at the end (a crash mid-append) is where replay stops and the file is cut.
 */
final class Journal implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Journal.class.getName());
    private static final String PREFIX = "pier.journal.";

    private final Path directory;
    private long segment;
    private FileChannel channel;
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private long operations;

    private Journal(Path directory, long segment) throws IOException {
        this.directory = directory;
        this.segment = segment;
        this.channel = open(directory, segment);
    }

    /** Opens the newest segment of a folder for appending (the first, if there is none). */
    static Journal open(Path directory) {
        try {
            List<Long> segments = segments(directory);
            return new Journal(directory, segments.isEmpty() ? 1 : segments.getLast());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal in " + directory, e);
        }
    }

    /** Appends the batches and forces them to disk; returns the size before, to undo with {@link #cut}. */
    long append(List<WriteBatch> batches) throws IOException {
        long before = channel.size();
        int size = 0;
        for (WriteBatch batch : batches) {
            size += 2 * Integer.BYTES + encodedSize(batch);
        }
        // one buffer, reused by the committer, that the records are written into once
        if (buffer.capacity() < size) {
            buffer = ByteBuffer.allocate(Math.max(size, buffer.capacity() * 2));
        }
        buffer.clear();
        for (WriteBatch batch : batches) {
            int header = buffer.position();
            buffer.position(header + 2 * Integer.BYTES);
            encode(batch, buffer);
            int end = buffer.position();
            CRC32C crc = new CRC32C();
            crc.update(buffer.slice(header + 2 * Integer.BYTES, end - header - 2 * Integer.BYTES));
            buffer.putInt(header, end - header - 2 * Integer.BYTES).putInt(header + Integer.BYTES, (int) crc.getValue());
        }
        buffer.flip();
        long position = before;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        channel.force(false);
        for (WriteBatch batch : batches) {
            operations += batch.operations().size();
        }
        return before;
    }

    /** Operations appended to the current segment (what a replay of it would apply). */
    long operations() {
        return operations;
    }

    /** Cuts the current segment back to a size: undoes an append whose batches were not applied. */
    void cut(long size) throws IOException {
        channel.truncate(size);
        channel.force(true);
    }

    /** Size of the current segment. */
    long size() throws IOException {
        return channel.size();
    }

    /**
     * Starts a new segment; what is appended from now on belongs to the next checkpoint.
     *
     * @return the number of the segment closed, which the checkpoint being started covers
     */
    long roll() throws IOException {
        FileChannel next = open(directory, segment + 1);
        syncFolder(directory);
        channel.close();
        channel = next;
        operations = 0;
        return segment++;
    }

    /** Deletes the segments a written checkpoint covers; any thread may call this. */
    void deleteThrough(long covered) throws IOException {
        for (long number : segments(directory)) {
            if (number <= covered) {
                Files.deleteIfExists(file(directory, number));
            }
        }
        syncFolder(directory);
    }

    /** Feeds every whole record of every segment to {@code apply}, in order; returns the count. */
    long replay(Consumer<WriteBatch> apply) throws IOException {
        long count = 0;
        // what is replayed stays in the journal until the next checkpoint, which it makes due sooner
        Consumer<WriteBatch> counted = batch -> {
            operations += batch.operations().size();
            apply.accept(batch);
        };
        for (long number : segments(directory)) {
            long[] read = replay(file(directory, number), counted);
            count += read[0];
            if (read[1] >= 0) {
                // a record cut short by a crash was never acknowledged: cut it off, and nothing after it counts
                try (FileChannel torn = FileChannel.open(file(directory, number), StandardOpenOption.WRITE)) {
                    torn.truncate(read[1]);
                    torn.force(true);
                }
                if (number != segment) {
                    LOG.log(System.Logger.Level.WARNING, "journal segment {0} ends in a damaged record; the "
                            + "segments after it are not replayed", file(directory, number));
                }
                break;
            }
        }
        return count;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // returns {records applied, where the file is torn or -1}
    private static long[] replay(Path file, Consumer<WriteBatch> apply) throws IOException {
        ByteBuffer journal = ByteBuffer.wrap(Files.readAllBytes(file));
        long count = 0;
        while (journal.remaining() >= 8) {
            int start = journal.position();
            int length = journal.getInt();
            int checksum = journal.getInt();
            if (length < 0 || length > journal.remaining()) {
                return new long[] {count, start};
            }
            byte[] payload = new byte[length];
            journal.get(payload);
            CRC32C crc = new CRC32C();
            crc.update(payload);
            if ((int) crc.getValue() != checksum) {
                return new long[] {count, start};
            }
            apply.accept(decode(payload));
            count++;
        }
        return new long[] {count, journal.hasRemaining() ? journal.position() : -1};
    }

    static List<Long> segments(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(PREFIX))
                    .map(n -> Long.parseLong(n.substring(PREFIX.length()))).sorted().toList();
        }
    }

    private static Path file(Path directory, long number) {
        return directory.resolve(PREFIX + number);
    }

    private static FileChannel open(Path directory, long number) throws IOException {
        return FileChannel.open(file(directory, number), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    static void syncFolder(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static int encodedSize(WriteBatch batch) {
        int size = Integer.BYTES;
        for (WriteBatch.Operation operation : batch.operations()) {
            size += 1 + 2 * Integer.BYTES + mapName(operation).length + operation.key().length
                    + (operation.isDelete() ? 0 : Integer.BYTES + operation.value().length);
        }
        return size;
    }

    private static void encode(WriteBatch batch, ByteBuffer out) {
        out.putInt(batch.operations().size());
        for (WriteBatch.Operation operation : batch.operations()) {
            byte[] map = mapName(operation);
            out.put((byte) (operation.isDelete() ? 1 : 0)).putInt(map.length).put(map);
            out.putInt(operation.key().length).put(operation.key());
            if (!operation.isDelete()) {
                out.putInt(operation.value().length).put(operation.value());
            }
        }
    }

    private static byte[] mapName(WriteBatch.Operation operation) {
        return operation.map().getBytes(StandardCharsets.UTF_8);
    }

    private static WriteBatch decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
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
