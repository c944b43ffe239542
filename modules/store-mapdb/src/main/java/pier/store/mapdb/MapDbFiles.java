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
 * The files of one store: the MapDB file, a marker written once the store was created and first
 * checkpointed, and a lock file held while the store is open (the journal's segments and the
 * checkpoint file are {@link Journal}'s and {@link Checkpoints}'). A MapDB file without the creation
 * marker was left half-created by a crash, and a marker without the file means the file was lost:
 * both are reported, never silently replaced.
 */
record MapDbFiles(Path directory, Path database, Path marker, Path lockFile) {

    static MapDbFiles in(Path directory) {
        return new MapDbFiles(directory, directory.resolve("pier.mapdb"), directory.resolve("pier.mapdb.created"),
                directory.resolve("pier.lock"));
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

    /** A store whose MapDB file is gone is reported, never started empty. */
    void checkNotMissing() {
        if (created() && !Files.exists(database)) {
            throw cannotOpen("the file is missing, though the store was created (" + marker.getFileName()
                    + " exists); restore it from a backup, or delete " + marker + " to start an empty store", null);
        }
    }

    boolean created() {
        return Files.exists(marker);
    }

    void markCreated() throws IOException {
        Files.writeString(marker, "created by Pier\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.SYNC);
    }

    DB make(PagedVolume volume) {
        try {
            return DBMaker.volumeDB(volume, volume.existed()).make();
        } catch (DBException | IllegalStateException | IllegalArgumentException | java.io.IOError
                 | java.io.UncheckedIOException e) {
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
