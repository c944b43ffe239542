package pier.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS that trusts the certificates of one file (PEM or DER: a server's self-signed certificate, such as
 * the {@code tls/pier-tls.pem} a Pier server makes on its first start, or a private authority), instead of
 * the JDK's authorities. Host names are still checked against the certificate.
 */
final class TrustedCertificate {

    private TrustedCertificate() {
    }

    /**
     * A TLS context trusting what the file holds.
     *
     * @param file the certificates
     * @return the context
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate
     */
    static SSLContext context(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(file + " holds no certificate");
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                trusted.setCertificateEntry("trusted-" + n++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the certificate file " + file + ": " + e.getMessage(), e);
        }
    }
}
