package pier.protocol.http;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import pier.security.Authenticator;
import pier.resource.Principal;
import pier.resource.ResourceException;

/**
 * Who an HTTP request (REST, WebSocket upgrade, event stream) comes from: HTTP Basic credentials, a
 * bearer token, or a session cookie, else the anonymous caller. A login issues both a session (an
 * opaque id kept here, sent as an HttpOnly, SameSite cookie: what browsers' {@code EventSource} and
 * {@code WebSocket} carry, since they cannot send an {@code Authorization} header) and a signed,
 * expiring token for scripts (a JWT, HS256, with nimbus-jose-jwt). Logging out ends both.
 *
 * <p>The signing key is made at start and never written: a restart ends every session and token.
 */
public final class Logins {

    /** The session cookie's name. */
    public static final String COOKIE = "pier_session";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A session: who it is for, the user's login generation it was issued under, and until when. */
    private record Session(String user, String generation, Instant until) {
    }

    private static final String GENERATION = "gen";

    /**
     * What a login hands out.
     *
     * @param user    the user
     * @param session the session id, for the cookie
     * @param token   the bearer token
     * @param until   when both expire
     */
    public record Login(String user, String session, String token, Instant until) {
    }

    private final Authenticator authenticator;
    private final Duration lifetime;
    private final Clock clock;
    private final byte[] key = new byte[32];
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Set<String> revokedTokens = ConcurrentHashMap.newKeySet();

    private Logins(Authenticator authenticator, Duration lifetime, Clock clock) {
        this.authenticator = authenticator;
        this.lifetime = lifetime;
        this.clock = clock;
        RANDOM.nextBytes(key);
    }

    /**
     * @param authenticator checks passwords and says whether anonymous callers may act
     * @param lifetime      how long a session and a token last
     */
    public static Logins create(Authenticator authenticator, Duration lifetime) {
        return new Logins(authenticator, lifetime, Clock.systemUTC());
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
        if (authenticator.allowsAnonymous()) {
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
                return Optional.of(basic(header.substring(6).strip(), client));
            }
            if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Optional.of(bearer(header.substring(7).strip()));
            }
            throw unauthorized("use Basic credentials or a Bearer token from POST /$login");
        }
        Optional<String> session = cookie(headers);
        if (session.isPresent()) {
            Session known = Optional.ofNullable(sessions.get(session.get()))
                    .filter(s -> s.until().isAfter(clock.instant()))
                    .orElseThrow(() -> unauthorized("the session has ended: log in again"));
            if (!current(known.user(), known.generation())) {
                sessions.remove(session.get());
                throw ended();
            }
            return Optional.of(new Principal(known.user(), false));
        }
        return Optional.empty();
    }

    /** Opens a session for the Basic credentials of a request's {@code Authorization} header. */
    public Login login(Headers headers, String client) {
        String header = headers.first(HeaderNames.AUTHORIZATION).filter(h -> h.regionMatches(true, 0, "Basic ", 0, 6))
                .orElseThrow(() -> unauthorized("log in with Basic credentials or a JSON body"));
        String[] pair = basicPair(header.substring(6).strip());
        return login(pair[0], pair[1], client);
    }

    /** Checks a user's password (sent from {@code client}) and opens a session with its token. */
    public Login login(String user, String password, String client) {
        Principal principal = authenticator.authenticate(user, password, client)
                .orElseThrow(() -> unauthorized("login failed"));
        // whole seconds, as a JWT's exp: the cookie and the token end together
        Instant until = clock.instant().plus(lifetime).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        sessions.values().removeIf(s -> !s.until().isAfter(clock.instant()));
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        String session = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        String generation = authenticator.loginGeneration(principal.name()).orElse("");
        sessions.put(session, new Session(principal.name(), generation, until));
        return new Login(principal.name(), session, token(principal.name(), generation, until), until);
    }

    /** Ends the session of the request's cookie and revokes its bearer token, whichever it carries. */
    public void logout(Headers headers) {
        cookie(headers).ifPresent(sessions::remove);
        headers.first(HeaderNames.AUTHORIZATION).filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .flatMap(h -> claims(h.substring(7).strip())).map(JWTClaimsSet::getJWTID).ifPresent(revokedTokens::add);
    }

    /** How long a login lasts. */
    public Duration lifetime() {
        return lifetime;
    }

    private Principal basic(String encoded, String client) {
        String[] pair = basicPair(encoded);
        return authenticator.authenticate(pair[0], pair[1], client).orElseThrow(() -> unauthorized("login failed"));
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

    private Principal bearer(String token) {
        JWTClaimsSet claims = claims(token).orElseThrow(() -> unauthorized("the token is not one of this server's"));
        if (claims.getExpirationTime() == null || !claims.getExpirationTime().toInstant().isAfter(clock.instant())) {
            throw unauthorized("the token has expired: log in again");
        }
        if (revokedTokens.contains(claims.getJWTID())) {
            throw unauthorized("the token was revoked by a logout");
        }
        Object generation = claims.getClaim(GENERATION);
        if (!current(claims.getSubject(), generation == null ? null : generation.toString())) {
            throw ended();
        }
        return new Principal(claims.getSubject(), false);
    }

    // a login lives while its user does, under the password it was given for: a change of password, or the
    // user's removal (a new user of the name has another generation), ends it at once
    private boolean current(String user, String generation) {
        return generation != null && authenticator.loginGeneration(user).filter(generation::equals).isPresent();
    }

    private static ResourceException ended() {
        return unauthorized("the login has ended (the password changed or the user was removed): log in again");
    }

    private String token(String user, String generation, Instant until) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(user)
                    .claim(GENERATION, generation)
                    .issueTime(Date.from(clock.instant())).expirationTime(Date.from(until))
                    .jwtID(UUID.randomUUID().toString()).build());
            jwt.sign(new MACSigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
    }

    /** The claims of a token this server signed (HS256 with its key), or empty. */
    private Optional<JWTClaimsSet> claims(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(key))) {
                return Optional.empty();
            }
            return Optional.of(jwt.getJWTClaimsSet());
        } catch (ParseException | JOSEException e) {
            return Optional.empty();
        }
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

    static ResourceException unauthorized(String message) {
        return new ResourceException(ResourceException.Kind.UNAUTHORIZED, message, null, null);
    }
}
