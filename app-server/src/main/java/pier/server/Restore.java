package pier.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import pier.engine.Backup;
import pier.store.Store;
import pier.store.StoreOptions;
import pier.store.Stores;

/**
 * Builds a data folder from a backup and the increments taken after it, in their order: {@code ./pier
 * restore FILE [INCREMENT…] --data DIR} ({@code -} reads standard input). The folder must be new or empty;
 * a restore that fails leaves nothing in it. Start the server on it with the schema the original served:
 * indexes, expiry times and computed attributes are rebuilt by that first start.
 */
public final class Restore {

    private Restore() {
    }

    public static void main(String[] args) throws IOException {
        int data = java.util.Arrays.asList(args).indexOf("--data");
        if (data < 1 || data != args.length - 2) {
            System.err.println("usage: ./pier restore FILE [INCREMENT...] --data DIR   (FILE from ./pier backup, "
                    + "each INCREMENT from ./pier backup --after, in order; - for stdin)");
            System.exit(2);
            return;
        }
        Path folder = Path.of(args[data + 1]);
        if (Files.exists(folder) && (!Files.isDirectory(folder) || Files.list(folder).findAny().isPresent())) {
            System.err.println("pier: " + folder + " is not empty: a restore builds a new data folder");
            System.exit(2);
            return;
        }
        Files.createDirectories(folder);
        try (Store store = Stores.open("mapdb", folder, StoreOptions.DEFAULT)) {
            long position = -1;
            for (int i = 0; i < data; i++) {
                try (InputStream in = open(args[i])) {
                    position = i == 0 ? Backup.restore(in, store) : Backup.restoreIncrement(in, store, position);
                } catch (IOException e) {
                    throw new IOException(args[i] + ": " + e.getMessage(), e);
                }
                System.err.println("pier: restored " + args[i] + " into " + folder + ", at feed position " + position);
            }
        } catch (IOException | RuntimeException e) {
            empty(folder);
            System.err.println("pier: restore failed, " + folder + " left empty: " + e.getMessage());
            System.exit(1);
        }
    }

    private static InputStream open(String file) throws IOException {
        return file.equals("-") ? System.in : new BufferedInputStream(Files.newInputStream(Path.of(file)), 1 << 16);
    }

    private static void empty(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).filter(f -> !f.equals(folder)).toList()) {
                Files.delete(file);
            }
        }
    }
}
