package pier.store.mapdb;

import static pier.store.mapdb.PageTable.PAGE_SHIFT;
import static pier.store.mapdb.PageTable.PAGE_SIZE;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.mapdb.DataInput2;
import org.mapdb.volume.Volume;

/**
 * The MapDB file as MapDB sees it: pages changed since the last checkpoint are held in memory, every
 * other page is read from the file and kept in a bounded cache. MapDB never writes the file; a {@link Checkpointer} does, with
 * the pages of a {@link #freeze()}, while MapDB goes on changing copies of them. So the file only
 * ever holds the state of a commit boundary, and a checkpoint writes what changed, not the store.
 */
final class PagedVolume extends Volume {

    private static final long OFFSET_MASK = PAGE_SIZE - 1;

    private final Path path;
    private final CleanPages clean;
    private final ReadWriteLock cacheUpdate = new ReentrantReadWriteLock();
    private volatile FileChannel channel;
    // read first the pages changed since the last freeze, then those being checkpointed, then those kept
    // from the file, then the file
    private volatile PageTable changed = new PageTable();
    private volatile PageTable checkpointing = PageTable.EMPTY;
    private volatile long length;
    private volatile long fileLength;
    private volatile long checkpointsWritten;

    /** @param cleanBytes how much memory pages read from the file may keep */
    PagedVolume(Path path, long cleanBytes) throws IOException {
        this.path = path;
        this.clean = new CleanPages(cleanBytes);
        this.channel = open(path);
        this.fileLength = channel.size();
        this.length = fileLength;
    }

    boolean existed() {
        return fileLength > 0;
    }

    /** Bytes of pages changed since the last freeze. */
    long changedBytes() {
        return changed.bytes();
    }

    /**
     * Sets aside the pages changed so far for a checkpoint; later writes change copies. Call between
     * commits, on the committer, once the previous checkpoint is written.
     */
    PageTable freeze() {
        PageTable frozen = changed;
        checkpointing = frozen;
        changed = new PageTable();
        return frozen;
    }

    /** Puts back pages whose checkpoint failed, so that the next one writes them; on the committer. */
    void unfreeze(PageTable failed) throws IOException {
        PageTable current = changed;
        failed.forEach((page, bytes) -> {
            if (current.get(page) == null) {
                current.put(page, bytes);
            }
        });
        checkpointing = PageTable.EMPTY;
    }

    @Override
    public long length() {
        return length;
    }

    /** Writes checkpointed pages into the file and forces it; they are then read from there. */
    void writeToFile(PageTable pages, long newLength) throws IOException {
        FileChannel file = channel();
        resize(file, newLength);
        pages.forEach((page, bytes) -> write(file, page, bytes, newLength));
        file.force(true);
        fileLength = newLength;
        // the pages are the file's now: read them from memory still
        cacheUpdate.writeLock().lock();
        try {
            pages.forEach(clean::replace);
            checkpointsWritten++;
        } finally {
            cacheUpdate.writeLock().unlock();
        }
        checkpointing = PageTable.EMPTY;
    }

    /** Makes a file as long as the volume was: MapDB's own idea of its end is in its header. */
    static void resize(FileChannel file, long length) throws IOException {
        if (file.size() > length) {
            file.truncate(length);
        } else if (file.size() < length) {
            file.write(ByteBuffer.wrap(new byte[1]), length - 1);
        }
    }

    /** Writes one page of a checkpoint into a file of the given length. */
    static void write(FileChannel file, long page, byte[] bytes, long length) throws IOException {
        long at = page << PAGE_SHIFT;
        if (at < length) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, (int) Math.min(PAGE_SIZE, length - at));
            while (buffer.hasRemaining()) {
                at += file.write(buffer, at);
            }
        }
    }

    @Override
    public void ensureAvailable(long offset) {
        long rounded = (offset + OFFSET_MASK) & ~OFFSET_MASK;
        if (rounded > length) {
            length = rounded;
        }
    }

    @Override
    public void truncate(long size) {
        length = size;
    }

    @Override
    public void putLong(long offset, long value) {
        int within = (int) (offset & OFFSET_MASK);
        if (within <= PAGE_SIZE - Long.BYTES) {
            PageBytes.LONG.set(writable(offset >>> PAGE_SHIFT), within, value);
        } else {
            byte[] bytes = new byte[Long.BYTES];
            PageBytes.LONG.set(bytes, 0, value);
            putData(offset, bytes, 0, Long.BYTES);
        }
    }

    @Override
    public void putInt(long offset, int value) {
        int within = (int) (offset & OFFSET_MASK);
        if (within <= PAGE_SIZE - Integer.BYTES) {
            PageBytes.INT.set(writable(offset >>> PAGE_SHIFT), within, value);
        } else {
            byte[] bytes = new byte[Integer.BYTES];
            PageBytes.INT.set(bytes, 0, value);
            putData(offset, bytes, 0, Integer.BYTES);
        }
    }

    @Override
    public void putByte(long offset, byte value) {
        writable(offset >>> PAGE_SHIFT)[(int) (offset & OFFSET_MASK)] = value;
    }

    @Override
    public void putData(long offset, byte[] src, int srcPos, int srcSize) {
        while (srcSize > 0) {
            int within = (int) (offset & OFFSET_MASK);
            int n = Math.min(srcSize, PAGE_SIZE - within);
            System.arraycopy(src, srcPos, writable(offset >>> PAGE_SHIFT), within, n);
            offset += n;
            srcPos += n;
            srcSize -= n;
        }
    }

    @Override
    public void putData(long offset, ByteBuffer buf) {
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        putData(offset, bytes, 0, bytes.length);
    }

    @Override
    public long getLong(long offset) {
        int within = (int) (offset & OFFSET_MASK);
        if (within <= PAGE_SIZE - Long.BYTES) {
            return (long) PageBytes.LONG.get(cached(offset >>> PAGE_SHIFT), within);
        }
        byte[] bytes = new byte[Long.BYTES];
        getData(offset, bytes, 0, Long.BYTES);
        return (long) PageBytes.LONG.get(bytes, 0);
    }

    @Override
    public int getInt(long offset) {
        int within = (int) (offset & OFFSET_MASK);
        if (within <= PAGE_SIZE - Integer.BYTES) {
            return (int) PageBytes.INT.get(cached(offset >>> PAGE_SHIFT), within);
        }
        byte[] bytes = new byte[Integer.BYTES];
        getData(offset, bytes, 0, Integer.BYTES);
        return (int) PageBytes.INT.get(bytes, 0);
    }

    @Override
    public byte getByte(long offset) {
        return cached(offset >>> PAGE_SHIFT)[(int) (offset & OFFSET_MASK)];
    }

    @Override
    public DataInput2 getDataInput(long offset, int size) {
        byte[] bytes = new byte[size];
        getData(offset, bytes, 0, size);
        return new DataInput2.ByteArray(bytes);
    }

    @Override
    public void getData(long offset, byte[] bytes, int bytesPos, int size) {
        while (size > 0) {
            int within = (int) (offset & OFFSET_MASK);
            int n = Math.min(size, PAGE_SIZE - within);
            System.arraycopy(cached(offset >>> PAGE_SHIFT), within, bytes, bytesPos, n);
            offset += n;
            bytesPos += n;
            size -= n;
        }
    }

    @Override
    public void clear(long startOffset, long endOffset) {
        putData(startOffset, new byte[Math.toIntExact(endOffset - startOffset)], 0,
                Math.toIntExact(endOffset - startOffset));
    }

    /** MapDB's commit; durability is the journal's and the checkpoints', so nothing to do here. */
    @Override
    public void sync() {
    }

    /** MapDB's close; the store closes the file itself, after its last checkpoint. */
    @Override
    public void close() {
        closed.set(true);
    }

    void release() throws IOException {
        channel.close();
    }

    @Override
    public int sliceSize() {
        return -1;
    }

    @Override
    public boolean isSliced() {
        return false;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public File getFile() {
        return path.toFile();
    }

    @Override
    public boolean getFileLocked() {
        return false;
    }

    // the newest state of a page: changed since the last freeze, else being checkpointed, else the file's
    private byte[] cached(long page) {
        byte[] bytes = kept(page);
        if (bytes == null) {
            long checkpointsBefore = checkpointsWritten;
            bytes = filePage(page);
            // a checkpoint that ended meanwhile may have made what was read older than what it cached; the
            // check and the offer are one step against its caching, or an eviction between could let it in
            cacheUpdate.readLock().lock();
            try {
                if (checkpointsWritten == checkpointsBefore) {
                    clean.offer(page, bytes);
                }
            } finally {
                cacheUpdate.readLock().unlock();
            }
        }
        return bytes;
    }

    // the page as memory holds it, or null when only the file does
    private byte[] kept(long page) {
        byte[] bytes = changed.get(page);
        if (bytes == null) {
            bytes = checkpointing.get(page);
        }
        return bytes != null ? bytes : clean.get(page);
    }

    private byte[] filePage(long page) {
        byte[] bytes = new byte[PAGE_SIZE];
        readFile(page << PAGE_SHIFT, bytes, 0, PAGE_SIZE);
        return bytes;
    }

    // only the committer writes: the first write to a page since the last freeze changes a copy of it (a
    // page read from the file for that is not kept as clean: the checkpoint that writes it will be)
    private byte[] writable(long page) {
        PageTable current = changed;
        byte[] bytes = current.get(page);
        if (bytes == null) {
            byte[] kept = kept(page);
            bytes = kept != null ? kept.clone() : filePage(page);
            current.put(page, bytes);
            // MapDB says how far its file goes before it writes there; should it not, the page still counts
            length = Math.max(length, (page + 1) << PAGE_SHIFT);
        }
        return bytes;
    }

    // what lies past the end of the file was never checkpointed: zeros
    private void readFile(long offset, byte[] bytes, int at, int size) {
        int available = (int) Math.max(0, Math.min(size, fileLength - offset));
        try {
            readFully(ByteBuffer.wrap(bytes, at, available), offset);
        } catch (ClosedByInterruptException e) {
            // an interrupted reader closes a FileChannel for every thread: open it again, read, keep the interrupt
            Thread.interrupted();
            try {
                readFully(ByteBuffer.wrap(bytes, at, available), offset);
            } catch (IOException again) {
                throw new UncheckedIOException("cannot read " + path, again);
            } finally {
                Thread.currentThread().interrupt();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        Arrays.fill(bytes, at + available, at + size, (byte) 0);
    }

    private void readFully(ByteBuffer buffer, long offset) throws IOException {
        int start = buffer.position();
        while (buffer.hasRemaining()) {
            if (channel().read(buffer, offset + buffer.position() - start) < 0) {
                break;
            }
        }
    }

    private FileChannel channel() throws IOException {
        FileChannel current = channel;
        if (current.isOpen() || closed.get()) {
            return current;
        }
        synchronized (this) {
            if (!channel.isOpen()) {
                channel = open(path);
            }
            return channel;
        }
    }

    private static FileChannel open(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
}
