package pier.security;

import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

import pier.resource.Principal;
import pier.resource.ResourceException;

/**
 * Logins: a password checked once opens a session (an opaque id, for a cookie: what browsers'
 * {@code EventSource} and {@code WebSocket} carry) and a signed, expiring token for scripts (a JWT,
 * HS256, with nimbus-jose-jwt). Both end at their expiry, at a logout, and at once when the user's
 * password changes or the user goes (a login carries the user's login generation).
 *
 * <p>The signing key is made at start and never written: a restart ends every session and token.
 */
public final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String GENERATION = "gen";

    private static final int VERIFIED_KEPT = 10_000;

    /** The claims of a token whose signature was checked: whose, its id, its login generation, until when. */
    private record Verified(String user, String id, String generation, Instant until) {
        static Verified of(JWTClaimsSet claims) {
            Object generation = claims.getClaim(GENERATION);
            return new Verified(claims.getSubject(), claims.getJWTID(), generation == null ? null
                    : generation.toString(), claims.getExpirationTime() == null ? null
                    : claims.getExpirationTime().toInstant());
        }
    }

    /** A session: who it is for, the user's login generation it was issued under, and until when. */
    private record Session(String user, String generation, Instant until) {
    }

    /**
     * What a login hands out.
     *
     * @param user    the user
     * @param session the session id, for a cookie
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
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    // tokens whose signature was checked, so that a client's every request does not parse and verify again
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private Tokens(Authenticator authenticator, Duration lifetime, Clock clock) {
        this.authenticator = authenticator;
        this.lifetime = lifetime;
        this.clock = clock;
        RANDOM.nextBytes(key);
    }

    /**
     * @param authenticator checks passwords (through the login throttle) and knows login generations
     * @param lifetime      how long a session and a token last
     * @return the logins
     */
    public static Tokens create(Authenticator authenticator, Duration lifetime) {
        return new Tokens(authenticator, lifetime, Clock.systemUTC());
    }

    /** @return the checker of passwords these logins use */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** @return how long a login lasts */
    public Duration lifetime() {
        return lifetime;
    }

    /**
     * Checks a user's password (sent from {@code client}) and opens a session with its token.
     *
     * @throws ResourceException {@code UNAUTHORIZED} for a wrong password; {@code TOO_MANY_REQUESTS} when the
     *                           address failed too often
     */
    public Login login(String user, String password, String client) {
        Principal principal = authenticator.authenticate(user, password, client)
                .orElseThrow(() -> unauthorized("login failed"));
        // whole seconds, as a JWT's exp: the session and the token end together
        Instant until = clock.instant().plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
        sessions.values().removeIf(s -> !s.until().isAfter(clock.instant()));
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        String session = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        String generation = authenticator.loginGeneration(principal.name()).orElse("");
        sessions.put(session, new Session(principal.name(), generation, until));
        return new Login(principal.name(), session, token(principal.name(), generation, until), until);
    }

    /**
     * Who a session is.
     *
     * @throws ResourceException {@code UNAUTHORIZED} for a session that ended or never was
     */
    public Principal session(String id) {
        Session known = Optional.ofNullable(sessions.get(id)).filter(s -> s.until().isAfter(clock.instant()))
                .orElseThrow(() -> unauthorized("the session has ended: log in again"));
        if (!current(known.user(), known.generation())) {
            sessions.remove(id);
            throw ended();
        }
        return new Principal(known.user(), false);
    }

    /**
     * Who a bearer token is.
     *
     * @throws ResourceException {@code UNAUTHORIZED} for a token not signed here, expired, revoked or ended
     */
    public Principal bearer(String token) {
        Verified claims = verified.get(token);
        if (claims == null) {
            claims = claims(token).map(Verified::of).orElseThrow(() -> unauthorized("the token is not one of this "
                    + "server's"));
            if (verified.size() >= VERIFIED_KEPT) {
                verified.clear(); // the tokens in use come back at their next request
            }
            verified.put(token, claims);
        }
        if (claims.until() == null || !claims.until().isAfter(clock.instant())) {
            throw unauthorized("the token has expired: log in again");
        }
        if (revoked.contains(claims.id())) {
            throw unauthorized("the token was revoked by a logout");
        }
        if (!current(claims.user(), claims.generation())) {
            throw ended();
        }
        return new Principal(claims.user(), false);
    }

    /** Ends a session. */
    public void endSession(String id) {
        sessions.remove(id);
    }

    /** Revokes a token this server signed; anything else is ignored. */
    public void revoke(String token) {
        claims(token).map(JWTClaimsSet::getJWTID).ifPresent(revoked::add);
    }

    /** @return an {@code UNAUTHORIZED} refusal */
    public static ResourceException unauthorized(String message) {
        return new ResourceException(ResourceException.Kind.UNAUTHORIZED, message, null, null);
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
}
