package pier.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Keeps the data folder to its owner: the store holds password hashes and the TLS folder a private key,
 * so the folder is made 0700 and every file in it is narrowed to 0600 at start. A folder found wider
 * (made by hand, or by an older Pier) is narrowed with a warning; files made later by the store take the
 * process's umask, but no other user can reach them through a 0700 folder.
 */
final class DataFolder {

    private static final System.Logger LOG = System.getLogger(DataFolder.class.getName());
    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataFolder() {
    }

    /** Makes the folder (0700) when it does not exist yet, before anything is written into it. */
    static void create(Path folder) {
        try {
            if (!Files.exists(folder)) {
                Files.createDirectories(folder);
                if (Files.getFileAttributeView(folder, PosixFileAttributeView.class) != null) {
                    Files.setPosixFilePermissions(folder, FOLDER);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data folder " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Narrows the folder, its sub-folders and their files to the owner. */
    static void protect(Path folder) {
        if (Files.getFileAttributeView(folder, PosixFileAttributeView.class) == null) {
            return; // not a POSIX file system: nothing to narrow
        }
        try (Stream<Path> entries = Files.walk(folder)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (!Files.isSymbolicLink(entry)) {
                    // a data folder that let others in is worth a warning: everything in it was reachable through it
                    narrow(entry, Files.isDirectory(entry) ? FOLDER : FILE, entry.equals(folder));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the permissions of " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Warns when a file the operator gave (a keystore) can be read by other users; it is theirs to change. */
    static void warnIfShared(Path file) {
        try {
            if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null
                    && !FILE.containsAll(Files.getPosixFilePermissions(file))) {
                LOG.log(System.Logger.Level.WARNING, "{0} holds a private key and is {1}: other users of this machine "
                        + "can read it (chmod 600)", file, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the permissions of " + file + ": " + e.getMessage(), e);
        }
    }

    private static void narrow(Path entry, Set<PosixFilePermission> wanted, boolean warn) throws IOException {
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(entry);
        if (!wanted.containsAll(current)) {
            Files.setPosixFilePermissions(entry, wanted);
            LOG.log(warn ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, "{0} was {1}, open to other "
                    + "users of this machine: now {2}", entry, PosixFilePermissions.toString(current),
                    PosixFilePermissions.toString(wanted));
        }
    }
}
