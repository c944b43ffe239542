package pier.security;

import pier.resource.Principal;
import pier.resource.ResourceException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Slows password guessing, on every protocol, by counting wrong passwords three ways within a window:
 * <ul>
 *   <li>one user from one address: after {@code maxFailures}, that user may not try from there until the
 *       window has passed (a success of that user from there clears its count, and nothing else does);</li>
 *   <li>one address, whatever the users: after five times as many, the address may not try at all;</li>
 *   <li>one user, from all addresses: after ten times as many, addresses that have failed for that user
 *       may not try it — guessing from many addresses is slowed, while the user, from where they did not
 *       fail, still gets in.</li>
 * </ul>
 * A refusal is {@code TOO_MANY_REQUESTS} (HTTP 429, MQTT CONNACK 0x9F), right or wrong password alike.
 * Counts are kept for {@link #failures()} and {@link #throttled()} (metrics).
 */
public final class LoginThrottle implements Authenticator {

    private static final int MAX_ENTRIES = 100_000;
    private static final int ADDRESS_FACTOR = 5;
    private static final int USER_FACTOR = 10;

    /** Failures since {@code since}. */
    private record Failures(long since, int count) {
    }

    private final Authenticator checked;
    private final int maxFailures;
    private final long windowMillis;
    private final LongSupplier clock;
    private final Map<String, Failures> byPair = new ConcurrentHashMap<>();
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();
    private final Map<String, Failures> byUser = new ConcurrentHashMap<>();
    private final LongAdder failures = new LongAdder();
    private final LongAdder throttled = new LongAdder();

    /**
     * @param checked     the authenticator whose checks are throttled
     * @param maxFailures failures of one user from one address within the window that close that pair
     * @param window      how long failures count, and how long a closed address waits
     */
    public LoginThrottle(Authenticator checked, int maxFailures, Duration window) {
        this(checked, maxFailures, window, System::currentTimeMillis);
    }

    LoginThrottle(Authenticator checked, int maxFailures, Duration window, LongSupplier clock) {
        this.checked = checked;
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    @Override
    public Optional<Principal> authenticate(String user, String password, String client) {
        long now = clock.getAsLong();
        String pair = user + '\u0000' + client;
        Failures fromHere = live(byPair.get(pair), now);
        if (closed(live(byAddress.get(client), now), maxFailures * ADDRESS_FACTOR)
                || closed(fromHere, maxFailures)
                || fromHere != null && closed(live(byUser.get(user), now), maxFailures * USER_FACTOR)) {
            throttled.increment();
            long since = java.util.stream.Stream.of(byAddress.get(client), fromHere).filter(f -> f != null)
                    .mapToLong(Failures::since).min().orElse(now);
            long wait = Math.max(1, (since + windowMillis - now + 999) / 1000);
            throw new ResourceException(ResourceException.Kind.TOO_MANY_REQUESTS, "too many failed logins from "
                    + (client.isEmpty() ? "this address" : client) + ": try again in " + wait + " s", null, null);
        }
        Optional<Principal> principal = checked.authenticate(user, password);
        if (principal.isPresent()) {
            byPair.remove(pair);
        } else {
            failures.increment();
            count(byPair, pair, now);
            count(byAddress, client, now);
            count(byUser, user, now);
        }
        return principal;
    }

    private Failures live(Failures failures, long now) {
        return failures != null && now - failures.since() < windowMillis ? failures : null;
    }

    private static boolean closed(Failures failures, int limit) {
        return failures != null && failures.count() >= limit;
    }

    private void count(Map<String, Failures> counts, String key, long now) {
        if (counts.size() >= MAX_ENTRIES) {
            counts.values().removeIf(f -> now - f.since() >= windowMillis);
        }
        counts.merge(key, new Failures(now, 1), (old, one) -> now - old.since() >= windowMillis ? one
                : new Failures(old.since(), old.count() + 1));
    }

    @Override
    public Optional<Principal> authenticate(String user, String password) {
        return authenticate(user, password, "");
    }

    @Override
    public Optional<String> loginGeneration(String user) {
        return checked.loginGeneration(user);
    }

    @Override
    public boolean allowsAnonymous() {
        return checked.allowsAnonymous();
    }

    /** Wrong passwords since start. */
    public long failures() {
        return failures.sum();
    }

    /** Password checks refused because their address was throttled. */
    public long throttled() {
        return throttled.sum();
    }
}
