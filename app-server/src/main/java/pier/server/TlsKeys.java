package pier.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The key and certificate of the TLS listeners: a configured PKCS#12 keystore, or a self-signed
 * certificate made on the first start in {@code <data>/tls/} (the JDK has no public API to make one;
 * BouncyCastle does), with the certificate also written as PEM for clients' {@code --cafile}.
 */
final class TlsKeys {

    private static final System.Logger LOG = System.getLogger(TlsKeys.class.getName());
    static final String GENERATED = "pier-tls.p12";
    static final String CERTIFICATE = "pier-tls.pem";
    private static final char[] GENERATED_PASSWORD = "pier".toCharArray();

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
            char[] secret = keystore.isPresent() ? password.toCharArray() : GENERATED_PASSWORD;
            if (keystore.isEmpty() && !Files.exists(file)) {
                generate(file, host);
            }
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
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot use the TLS keystore: " + e.getMessage(), e);
        }
    }

    private static void generate(Path file, String host) throws IOException, GeneralSecurityException,
            OperatorCreationException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=pier");
        GeneralNames names = new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), name(host)});
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                subject, new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(3650))), subject, pair.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, names)
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("pier", pair.getPrivate(), GENERATED_PASSWORD, new Certificate[] {certificate});
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, GENERATED_PASSWORD);
        }
        Files.writeString(file.resolveSibling(CERTIFICATE), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        LOG.log(System.Logger.Level.INFO, "made a self-signed TLS certificate for localhost, 127.0.0.1 and {0}; "
                + "clients may trust {1}", host, file.resolveSibling(CERTIFICATE));
    }

    private static GeneralName name(String host) throws IOException {
        boolean address = host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':');
        return address ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress())
                : new GeneralName(GeneralName.dNSName, host);
    }

    private static String fingerprint(Certificate certificate) throws GeneralSecurityException {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(certificate.getEncoded()));
    }
}
