package pier.store.mapdb;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.mapdb.DB;
import org.mapdb.DBException;
import org.mapdb.DBMaker;

import pier.store.StoreException;

/**
 * The files of one store: the MapDB file with its write-ahead log, Pier's journal and checkpoint, a
 * marker written once the store was created and first checkpointed, a marker of a clean close, and a
 * lock file held while the store is open. A MapDB file without the creation marker was left
 * half-created by a crash; it is reported, never silently replaced.
 */
record MapDbFiles(Path directory, Path database, Path marker, Path lockFile, Path journal, Path clean) {

    static MapDbFiles in(Path directory) {
        return new MapDbFiles(directory, directory.resolve("pier.mapdb"), directory.resolve("pier.mapdb.created"),
                directory.resolve("pier.lock"), directory.resolve("pier.journal"), directory.resolve("pier.clean"));
    }

    /**
     * Takes the folder's lock, so that the checks below never see another process's store half-made.
     *
     * @return the locked channel; closing it releases the lock
     */
    FileChannel lock() {
        createDirectory();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (OverlappingFileLockException e) {
            // this process already has the store open
        } catch (IOException e) {
            throw cannotOpen("its lock file " + lockFile + " cannot be opened: " + rootMessage(e), e);
        }
        closeQuietly(channel);
        throw cannotOpen("it is locked by another process (is another Pier server running on this folder?)", null);
    }

    /** Whether the store exists and a crash left it half-created; such a store is reported, not opened. */
    void checkNotHalfCreated() {
        if (Files.exists(database) && !Files.exists(marker)) {
            throw cannotOpen("it was left half-created by a crash during its first start (" + marker.getFileName()
                    + " is missing); nothing was ever committed to it, so delete " + database + "* to start afresh",
                    null);
        }
    }

    boolean created() {
        return Files.exists(marker);
    }

    void markCreated() throws IOException {
        Files.writeString(marker, "created by Pier\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.SYNC);
    }

    /** Whether the last close was clean; the mark is consumed, so a crash from now on is unclean. */
    boolean takeCleanMark() throws IOException {
        boolean wasClean = Files.deleteIfExists(clean);
        if (wasClean) {
            try (FileChannel folder = FileChannel.open(directory, StandardOpenOption.READ)) {
                folder.force(true);
            }
        }
        return wasClean;
    }

    void markClean() throws IOException {
        Files.writeString(clean, "closed cleanly\n", StandardOpenOption.CREATE, StandardOpenOption.SYNC);
    }

    DB make() {
        try {
            // FileChannel volume: with the default RandomAccessFile volume, 4 of 30 stores killed with
            // SIGKILL under load reopened corrupt (broken B-tree nodes); with FileChannel, none of 90
            return DBMaker.fileDB(database.toFile()).fileChannelEnable().transactionEnable().make();
        } catch (DBException.FileLocked e) {
            throw cannotOpen("it is locked by another process (is another Pier server running on this folder?)", e);
        } catch (DBException | IllegalStateException | IllegalArgumentException | java.io.IOError e) {
            throw cannotOpen("it is damaged or unreadable: " + rootMessage(e), e);
        }
    }

    private void createDirectory() {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw cannotOpen("its folder cannot be created: " + rootMessage(e), e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // nothing was locked through it
        }
    }

    StoreException cannotOpen(String why, Throwable cause) {
        return new StoreException(StoreException.Kind.CANNOT_OPEN, "cannot open store " + database + ": " + why,
                cause);
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
