package pier.client;

import java.net.URI;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * Where a Pier server listens and who speaks to it. The password lives only in memory, as the prepared
 * {@code Authorization} value and the MQTT CONNECT password; nothing here is ever written to disk.
 *
 * @param http        the server's HTTP base, such as {@code http://127.0.0.1:9926} or {@code https://…}
 * @param user        the user name, or empty for anonymous access
 * @param password    the password (ignored without a user)
 * @param certificate for {@code https}: a file of the certificates to trust (the server's own, or its
 *                    authority's) instead of the JDK's authorities; null for the JDK's
 */
public record ServerAddress(URI http, String user, String password, Path certificate) {

    /**
     * An address that trusts the JDK's authorities.
     *
     * @param http     the server's HTTP base
     * @param user     the user name, or empty
     * @param password the password
     */
    public ServerAddress(URI http, String user, String password) {
        this(http, user, password, null);
    }

    public ServerAddress {
        Objects.requireNonNull(http, "http");
        if (!"http".equals(http.getScheme()) && !"https".equals(http.getScheme())) {
            throw new IllegalArgumentException("the server URL must start with http:// or https://, not " + http);
        }
        if (http.getHost() == null) {
            throw new IllegalArgumentException("the server URL names no host: " + http);
        }
        user = user == null ? "" : user.strip();
        password = password == null ? "" : password;
    }

    /**
     * Parses a URL typed by a person: {@code host:port} without a scheme means {@code http://host:port}.
     *
     * @param url      the URL
     * @param user     the user, may be empty
     * @param password the password
     * @return the address
     * @throws IllegalArgumentException when the URL is not an HTTP URL with a host
     */
    public static ServerAddress parse(String url, String user, String password) {
        String text = url.strip();
        if (!text.contains("://")) {
            text = "http://" + text;
        }
        if (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + url, e);
        }
        return new ServerAddress(uri, user, password);
    }

    /**
     * This address, trusting the certificates of a file for {@code https} and {@code wss}.
     *
     * @param file the certificates (PEM or DER)
     * @return the address
     */
    public ServerAddress trusting(Path file) {
        return new ServerAddress(http, user, password, file);
    }

    /** The TLS context of this address: its certificate file's, or the JDK's default. */
    SSLContext tls() {
        if (certificate == null) {
            try {
                return SSLContext.getDefault();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no TLS", e);
            }
        }
        return TrustedCertificate.context(certificate);
    }

    /** Whether requests carry credentials. */
    public boolean authenticated() {
        return !user.isEmpty();
    }

    /** The HTTP Basic {@code Authorization} value. */
    String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The URL of a path on the server; the path is already percent-encoded. */
    URI resolve(String encodedPath) {
        return URI.create(http + encodedPath);
    }

    /** MQTT over WebSocket on the HTTP port: {@code ws://host:port/mqtt}. */
    String mqttWebSocket() {
        return ("https".equals(http.getScheme()) ? "wss" : "ws") + "://" + http.getAuthority() + "/mqtt";
    }

    @Override
    public String toString() {
        return (authenticated() ? user + " at " : "") + http;  // never the password
    }
}
