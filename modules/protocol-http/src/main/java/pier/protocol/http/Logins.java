package pier.protocol.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import pier.resource.Principal;
import pier.resource.ResourceException;
import pier.security.Tokens;

import static pier.security.Tokens.unauthorized;

/**
 * Who an HTTP request (REST, WebSocket upgrade, event stream) comes from: HTTP Basic credentials, a
 * bearer token, or a session cookie, else the anonymous caller. The logins themselves (sessions and
 * tokens) are {@link Tokens}'; this class reads them from the headers. The session id travels as an
 * HttpOnly, SameSite cookie.
 */
public final class Logins {

    /** The session cookie's name. */
    public static final String COOKIE = "pier_session";

    private final Tokens tokens;

    /** @param tokens the server's logins */
    public Logins(Tokens tokens) {
        this.tokens = tokens;
    }

    /**
     * The caller of a request.
     *
     * @param client the client's address, for the failed-login throttle
     * @throws ResourceException {@code UNAUTHORIZED} for wrong, expired or revoked credentials, or when none
     *                           are given and anonymous callers may not act; {@code TOO_MANY_REQUESTS} when
     *                           the address failed too often
     */
    public Principal authenticate(Headers headers, String client) {
        Optional<Principal> presented = presented(headers, client);
        if (presented.isPresent()) {
            return presented.get();
        }
        if (tokens.authenticator().allowsAnonymous()) {
            return Principal.ANONYMOUS;
        }
        throw unauthorized("authentication required");
    }

    /**
     * Who the credentials a request carries (Basic, bearer token, session cookie) name; empty when it carries
     * none. A protocol that has logins of its own (MQTT's CONNECT) uses this to let an authenticated upgrade in.
     *
     * @param client the client's address, for the failed-login throttle
     * @throws ResourceException as {@link #authenticate}, for wrong, expired or revoked credentials
     */
    public Optional<Principal> presented(Headers headers, String client) {
        Optional<String> authorization = headers.first(HeaderNames.AUTHORIZATION);
        if (authorization.isPresent()) {
            String header = authorization.get();
            if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
                String[] pair = basicPair(header.substring(6).strip());
                return Optional.of(tokens.authenticator().authenticate(pair[0], pair[1], client)
                        .orElseThrow(() -> unauthorized("login failed")));
            }
            if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Optional.of(tokens.bearer(header.substring(7).strip()));
            }
            throw unauthorized("use Basic credentials or a Bearer token from POST /$login");
        }
        return cookie(headers).map(tokens::session);
    }

    /** Opens a session for the Basic credentials of a request's {@code Authorization} header. */
    public Tokens.Login login(Headers headers, String client) {
        String header = headers.first(HeaderNames.AUTHORIZATION).filter(h -> h.regionMatches(true, 0, "Basic ", 0, 6))
                .orElseThrow(() -> unauthorized("log in with Basic credentials or a JSON body"));
        String[] pair = basicPair(header.substring(6).strip());
        return tokens.login(pair[0], pair[1], client);
    }

    /** Checks a user's password (sent from {@code client}) and opens a session with its token. */
    public Tokens.Login login(String user, String password, String client) {
        return tokens.login(user, password, client);
    }

    /** Ends the session of the request's cookie and revokes its bearer token, whichever it carries. */
    public void logout(Headers headers) {
        cookie(headers).ifPresent(tokens::endSession);
        headers.first(HeaderNames.AUTHORIZATION).filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .ifPresent(h -> tokens.revoke(h.substring(7).strip()));
    }

    /** How long a login lasts. */
    public Duration lifetime() {
        return tokens.lifetime();
    }

    /** The user and password of Basic credentials. */
    private static String[] basicPair(String encoded) {
        String credentials;
        try {
            credentials = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unauthorized("malformed Basic credentials");
        }
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            throw unauthorized("malformed Basic credentials");
        }
        return new String[] {credentials.substring(0, colon), credentials.substring(colon + 1)};
    }

    private static Optional<String> cookie(Headers headers) {
        if (!headers.contains(HeaderNames.COOKIE)) {
            return Optional.empty();
        }
        for (String header : headers.get(HeaderNames.COOKIE).allValues()) {
            for (String pair : header.split(";")) {
                String trimmed = pair.strip();
                if (trimmed.startsWith(COOKIE + "=")) {
                    return Optional.of(trimmed.substring(COOKIE.length() + 1));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A request's client address as the failed-login throttle counts it: the IP address, as MQTT sees it
     * too (a host name would be a separate count).
     */
    public static String client(io.helidon.common.socket.PeerInfo peer) {
        return peer.address() instanceof java.net.InetSocketAddress socket && socket.getAddress() != null
                ? socket.getAddress().getHostAddress() : peer.host();
    }
}
