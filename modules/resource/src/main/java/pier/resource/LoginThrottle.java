package pier.resource;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Refuses the password checks of a client address that failed too often: after {@code maxFailures}
 * wrong passwords within {@code window}, the address gets {@code TOO_MANY_REQUESTS} (HTTP 429, MQTT
 * CONNACK 0x9F) until the window has passed, right or wrong password alike, so guessing costs a window
 * per few tries. A successful login clears the address's count. Counts are kept for {@link #failures()}
 * and {@link #throttled()} (metrics).
 */
public final class LoginThrottle implements Authenticator {

    private static final int MAX_ADDRESSES = 100_000;

    /** Failures of one address since {@code since}. */
    private record Failures(long since, int count) {
    }

    private final Authenticator checked;
    private final int maxFailures;
    private final long windowMillis;
    private final LongSupplier clock;
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();
    private final LongAdder failures = new LongAdder();
    private final LongAdder throttled = new LongAdder();

    /**
     * @param checked     the authenticator whose checks are throttled
     * @param maxFailures failures within the window that close an address
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
        Failures known = byAddress.get(client);
        if (known != null && known.count() >= maxFailures && now - known.since() < windowMillis) {
            throttled.increment();
            long wait = (known.since() + windowMillis - now + 999) / 1000;
            throw new ResourceException(ResourceException.Kind.TOO_MANY_REQUESTS, "too many failed logins from "
                    + (client.isEmpty() ? "this address" : client) + ": try again in " + wait + " s", null, null);
        }
        Optional<Principal> principal = checked.authenticate(user, password);
        if (principal.isPresent()) {
            byAddress.remove(client);
        } else {
            failures.increment();
            if (byAddress.size() >= MAX_ADDRESSES) {
                byAddress.values().removeIf(f -> now - f.since() >= windowMillis);
            }
            byAddress.merge(client, new Failures(now, 1), (old, one) -> now - old.since() >= windowMillis ? one
                    : new Failures(old.since(), old.count() + 1));
        }
        return principal;
    }

    @Override
    public Optional<Principal> authenticate(String user, String password) {
        return authenticate(user, password, "");
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
