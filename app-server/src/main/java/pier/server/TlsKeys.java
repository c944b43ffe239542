package pier.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;

/**
 * The key and certificate of the TLS listeners: a configured PKCS#12 keystore, or a self-signed
 * certificate made on the first start in {@code <data>/tls/} by the JDK's keytool, with the certificate
 * also written as PEM for clients' {@code --cafile}.
 */
final class TlsKeys {

    private static final System.Logger LOG = System.getLogger(TlsKeys.class.getName());
    static final String GENERATED = "pier-tls.p12";
    /** Only modern protocol versions are offered. */
    static final java.util.List<String> PROTOCOLS = java.util.List.of("TLSv1.3", "TLSv1.2");
    static final String CERTIFICATE = "pier-tls.pem";
    /** The generated keystore's password, random, kept beside it (0600). */
    static final String PASSWORD_FILE = "pier-tls.password";
    // what keystores generated before the password file existed were locked with
    private static final char[] OLD_PASSWORD = "pier-tls".toCharArray();

    private TlsKeys() {
    }

    /**
     * The key managers for TLS.
     *
     * @param keystore   a configured PKCS#12 file, or empty to use (or make) the generated one
     * @param password   the configured keystore's password
     * @param dataFolder where a generated keystore lives
     * @param host       the address served, named in a generated certificate
     * @return the key managers
     */
    static KeyManagerFactory load(Optional<Path> keystore, String password, Path dataFolder, String host) {
        try {
            Path file = keystore.orElse(dataFolder.resolve("tls").resolve(GENERATED));
            char[] secret = keystore.isPresent() ? password.toCharArray() : generatedPassword(file, host);
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, secret);
            }
            String alias = store.aliases().nextElement();
            LOG.log(System.Logger.Level.INFO, "TLS certificate {0}, SHA-256 fingerprint {1}", file,
                    fingerprint(store.getCertificate(alias)));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, secret);
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the TLS keystore: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the TLS keystore: " + e.getMessage(), e);
        }
    }

    /** A TLS context serving these keys. */
    static javax.net.ssl.SSLContext context(KeyManagerFactory keys) {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    // the password of the generated keystore: made with it, or given to one an older Pier locked with a fixed one
    private static char[] generatedPassword(Path file, String host) throws IOException, GeneralSecurityException {
        Path passwordFile = file.resolveSibling(PASSWORD_FILE);
        if (Files.exists(passwordFile)) {
            return Files.readString(passwordFile).strip().toCharArray();
        }
        char[] secret = newPassword(passwordFile);
        if (Files.exists(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, OLD_PASSWORD);
            }
            KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(secret);
            store.setEntry("pier", store.getEntry("pier", new KeyStore.PasswordProtection(OLD_PASSWORD)), protection);
            try (var out = Files.newOutputStream(file)) {
                store.store(out, secret);
            }
            LOG.log(System.Logger.Level.INFO, "the TLS keystore {0} now has a password of its own, in {1}", file,
                    passwordFile);
        } else {
            generate(file, host, secret);
        }
        return secret;
    }

    private static char[] newPassword(Path passwordFile) throws IOException {
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(passwordFile.getParent());
        Files.deleteIfExists(passwordFile);
        Files.createFile(passwordFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(DataFolder.FILE));
        Files.writeString(passwordFile, password + "\n");
        return password.toCharArray();
    }

    // the JDK's keytool makes the certificate: the JDK has no public API for it, and every JDK and
    // jlinked runtime with java.base carries bin/keytool; the password reaches it on its standard input
    private static void generate(Path file, String host, char[] secret) throws IOException, GeneralSecurityException {
        Files.createDirectories(file.getParent());
        String alternativeNames = "dns:localhost,ip:127.0.0.1," + (isAddress(host) ? "ip:" : "dns:") + host;
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "pier", "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", "CN=pier", "-ext", "SAN=" + alternativeNames,
                "-startdate", "-1d", "-validity", "3650", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass:file", file.resolveSibling(PASSWORD_FILE).toString()).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (keytool.waitFor() != 0) {
                throw new IOException("keytool failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the certificate", e);
        }
        Files.setPosixFilePermissions(file, DataFolder.FILE);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, secret);
        }
        Files.writeString(file.resolveSibling(CERTIFICATE), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(store.getCertificate("pier").getEncoded()) + "\n-----END CERTIFICATE-----\n");
        LOG.log(System.Logger.Level.INFO, "made a self-signed TLS certificate for localhost, 127.0.0.1 and {0}; "
                + "clients may trust {1}", host, file.resolveSibling(CERTIFICATE));
    }

    private static boolean isAddress(String host) {
        return host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':');
    }

    private static String fingerprint(Certificate certificate) throws GeneralSecurityException {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(certificate.getEncoded()));
    }
}
