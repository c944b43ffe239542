package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files that hold secrets (the store's password hashes, the TLS private key and its password) are
 * the owner's alone, and a data folder found open to other users is closed with a warning.
 */
class DataFolderIT {

    @TempDir
    Path folder;

    @Test
    void aNewDataFolderIsTheOwnersAloneAndTheKeystoreHasARandomPassword() throws Exception {
        Path data = folder.resolve("data");
        try (InProcessServer server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--mqtts-port", String.valueOf(ServerProcess.freePort()), "--data", data.toString())) {
            server.awaitReady();
            assertThat(mode(data), is("rwx------"));
            List<Path> files;
            try (Stream<Path> all = Files.walk(data)) {
                files = all.filter(Files::isRegularFile).toList();
            }
            assertThat(files.stream().anyMatch(f -> f.getFileName().toString().equals("pier.mapdb")), is(true));
            for (Path file : files) {
                assertThat(file.toString(), mode(file), is("rw-------"));
            }
            Path keystore = data.resolve("tls/pier-tls.p12");
            String password = Files.readString(data.resolve("tls/pier-tls.password")).strip();
            assertThat(password.length() >= 32, is(true));
            assertThat(load(keystore, password).aliases().hasMoreElements(), is(true));
            // the fixed password of earlier versions opens nothing
            assertThrows(IOException.class, () -> load(keystore, "pier-tls"));
            assertThat(String.join("\n", server.problems()), server.problems().isEmpty(), is(true));
        }
    }

    @Test
    void aDataFolderOpenToOthersIsClosedWithAWarning() throws Exception {
        Path data = Files.createDirectories(folder.resolve("shared"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (InProcessServer server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--data", data.toString())) {
            server.awaitReady();
            assertThat(mode(data), is("rwx------"));
            assertThat(String.join("\n", server.stderr()), server.problems().stream()
                    .anyMatch(line -> line.contains("rwxr-xr-x")), is(true));
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }
}
