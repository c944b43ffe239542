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
 * Builds a data folder from a backup: {@code ./pier restore FILE --data DIR} ({@code -} reads standard
 * input). The folder must be new or empty; a restore that fails leaves nothing in it. Start the server on
 * it with the schema the original served: indexes, expiry times and computed attributes are rebuilt by
 * that first start.
 */
public final class Restore {

    private Restore() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 || !args[1].equals("--data")) {
            System.err.println("usage: ./pier restore FILE --data DIR   (FILE from ./pier backup; - for stdin)");
            System.exit(2);
            return;
        }
        Path folder = Path.of(args[2]);
        if (Files.exists(folder) && (!Files.isDirectory(folder) || Files.list(folder).findAny().isPresent())) {
            System.err.println("pier: " + folder + " is not empty: a restore builds a new data folder");
            System.exit(2);
            return;
        }
        Files.createDirectories(folder);
        try (InputStream in = args[0].equals("-") ? System.in : new BufferedInputStream(Files.newInputStream(
                Path.of(args[0])), 1 << 16); Store store = Stores.open("mapdb", folder, StoreOptions.DEFAULT)) {
            long position = Backup.restore(in, store);
            System.err.println("pier: restored " + args[0] + " into " + folder + ", at feed position " + position);
        } catch (IOException | RuntimeException e) {
            empty(folder);
            System.err.println("pier: restore failed, " + folder + " left empty: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void empty(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).filter(f -> !f.equals(folder)).toList()) {
                Files.delete(file);
            }
        }
    }
}
