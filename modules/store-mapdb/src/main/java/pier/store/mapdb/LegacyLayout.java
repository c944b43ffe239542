package pier.store.mapdb;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

import org.mapdb.DBMaker;

/**
 * Moves a data folder of the earlier layout (MapDB's own write-ahead log, a whole copy of the files in
 * {@code checkpoint/}, one {@code pier.journal}, a {@code pier.clean} mark) to the current one, once.
 * Closed cleanly, its MapDB file is whole; after a crash, its checkpoint copy is put back and its
 * journal becomes the first segment, replayed like any other. Each step can be repeated after a crash.
 */
final class LegacyLayout {

    private static final System.Logger LOG = System.getLogger(LegacyLayout.class.getName());
    private static final String MAPDB_FILES = "pier.mapdb{,.wal.*}";

    private LegacyLayout() {
    }

    static void upgrade(MapDbFiles files) throws IOException {
        Path directory = files.directory();
        Path copy = directory.resolve("checkpoint");
        Path journal = directory.resolve("pier.journal");
        Path clean = directory.resolve("pier.clean");
        if (!Files.isDirectory(copy) && !Files.exists(journal)) {
            Files.deleteIfExists(clean);
            return;
        }
        boolean wasClean = Files.exists(clean);
        if (!wasClean && Files.isDirectory(copy)) {
            replaceFiles(copy, directory);
        }
        // MapDB folds what its own log holds into the file, and the file is then read without it
        DBMaker.fileDB(files.database().toFile()).fileChannelEnable().transactionEnable().make().close();
        if (wasClean) {
            Files.deleteIfExists(journal);
        } else if (Files.exists(journal)) {
            Files.move(journal, directory.resolve("pier.journal.1"), StandardCopyOption.REPLACE_EXISTING);
        }
        deleteTree(copy);
        Journal.syncFolder(directory);
        Files.deleteIfExists(clean);
        LOG.log(System.Logger.Level.INFO, "store {0} moved to the current layout ({1})", files.database(),
                wasClean ? "it was closed cleanly" : "its checkpoint restored, its journal to be replayed");
    }

    private static void replaceFiles(Path from, Path to) throws IOException {
        try (DirectoryStream<Path> old = Files.newDirectoryStream(to, MAPDB_FILES)) {
            for (Path file : old) {
                Files.delete(file);
            }
        }
        try (DirectoryStream<Path> kept = Files.newDirectoryStream(from, MAPDB_FILES)) {
            for (Path file : kept) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
