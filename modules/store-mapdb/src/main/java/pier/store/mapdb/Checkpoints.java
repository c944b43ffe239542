package pier.store.mapdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Consistent copies of the MapDB files, taken by the committer between commits. The newest is the
 * base that the journal is replayed onto after an unclean stop. A copy is written beside the current
 * one and swapped in by renames, so a crash at any moment leaves one whole checkpoint.
 */
final class Checkpoints {

    private static final String FILES = "pier.mapdb{,.wal.*}";

    private final Path directory;
    private final Path current;
    private final Path next;
    private final Path previous;

    Checkpoints(Path directory) {
        this.directory = directory;
        this.current = directory.resolve("checkpoint");
        this.next = directory.resolve("checkpoint.next");
        this.previous = directory.resolve("checkpoint.previous");
    }

    /** Finishes or undoes a swap a crash interrupted, so that exactly one checkpoint is current. */
    boolean settle() {
        try {
            if (!Files.exists(current) && Files.exists(previous)) {
                Files.move(previous, current);
            }
            delete(next);
            delete(previous);
            return Files.exists(current);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot settle the checkpoint in " + directory, e);
        }
    }

    /** Copies the MapDB files (call between commits) and makes the copy the current checkpoint. */
    void take() throws IOException {
        delete(next);
        Files.createDirectory(next);
        copyAll(directory, next);
        sync(next);
        if (Files.exists(current)) {
            Files.move(current, previous);
        }
        Files.move(next, current);
        sync(directory);
        delete(previous);
    }

    /** Replaces the MapDB files with the current checkpoint's. */
    void restore() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, FILES)) {
            for (Path file : files) {
                Files.delete(file);
            }
        }
        copyAll(current, directory);
        sync(directory);
    }

    private static void copyAll(Path from, Path to) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from, FILES)) {
            for (Path file : files) {
                Path copy = to.resolve(file.getFileName());
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
        }
    }

    // makes renames and new names in a folder durable
    private static void sync(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void delete(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
