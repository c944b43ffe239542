package pier.store.mapdb;

import static pier.store.mapdb.PageTable.PAGE_SIZE;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The checkpoint file ({@code pier.checkpoint}): the pages a checkpoint is about to write into the
 * MapDB file, written and forced first, so that a crash while the MapDB file is being written leaves a
 * whole copy of every page to write again (a double write). Its header says which journal segments
 * the checkpoint covers; a checksum over the whole file says whether it is complete. Only one exists
 * at a time: the next checkpoint overwrites it.
 */
final class Checkpoints {

    private static final long MAGIC = 0x5049455243503031L; // "PIERCP01"
    private static final int BUFFER = 1 << 20;

    private final Path file;

    Checkpoints(Path directory) {
        this.file = directory.resolve("pier.checkpoint");
    }

    /** Writes the pages a checkpoint freezes, with the file's length and the segments covered, and forces. */
    void write(PageTable pages, long length, long throughSegment) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(
                    Channels.newOutputStream(channel), BUFFER), new CRC32C());
            DataOutputStream out = new DataOutputStream(checked);
            out.writeLong(MAGIC);
            out.writeLong(throughSegment);
            out.writeLong(length);
            out.writeInt(pages.count());
            pages.forEach((page, bytes) -> {
                out.writeLong(page);
                out.write(bytes);
            });
            out.writeInt((int) checked.getChecksum().getValue());
            out.flush();
            channel.force(true);
        }
        Journal.syncFolder(file.getParent());
    }

    /**
     * After an unclean stop: writes the pages of a complete checkpoint file into the MapDB file again
     * (the crash may have come in the middle of that), before MapDB opens it.
     *
     * @return the last journal segment the checkpoint covers, or -1 when there was none or it was incomplete
     */
    long redo(Path database) throws IOException {
        if (!Files.exists(file) || !complete()) {
            return -1;
        }
        try (DataInputStream in = input(); FileChannel target = FileChannel.open(database, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            in.readLong();
            long through = in.readLong();
            long length = in.readLong();
            byte[] bytes = new byte[PAGE_SIZE];
            PagedVolume.resize(target, length);
            for (int i = in.readInt(); i > 0; i--) {
                long page = in.readLong();
                in.readFully(bytes);
                PagedVolume.write(target, page, bytes, length);
            }
            target.force(true);
            return through;
        }
    }

    /** Deletes the file once its pages are in the MapDB file (left behind, it is only written again). */
    void clear() throws IOException {
        Files.deleteIfExists(file);
    }

    private boolean complete() throws IOException {
        try (CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(Files.newInputStream(file),
                BUFFER), new CRC32C()); DataInputStream in = new DataInputStream(checked)) {
            if (in.readLong() != MAGIC) {
                return false;
            }
            in.readLong();
            in.readLong();
            long count = in.readInt();
            in.skipNBytes(count * (Long.BYTES + PAGE_SIZE));
            int computed = (int) checked.getChecksum().getValue();
            return in.readInt() == computed;
        } catch (EOFException e) {
            return false;
        }
    }

    private DataInputStream input() throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER));
    }
}
