package pier.security;

import pier.resource.Principal;
import pier.resource.ResourceException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * How many connections (MQTT, WebSocket, event stream) and MQTT subscriptions one user may hold at once,
 * counted per user name across protocols; callers without credentials share the name
 * {@code anonymous}. Super users are exempt (the server's own clients and load tools run as them).
 */
public final class UserQuota {

    /** No limits. */
    public static final UserQuota NONE = new UserQuota(Integer.MAX_VALUE, Integer.MAX_VALUE, principal -> true);

    private final int maxConnections;
    private final int maxSubscriptions;
    private final Predicate<Principal> exempt;
    private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> subscriptions = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();

    /**
     * @param maxConnections   connections one user may hold open
     * @param maxSubscriptions MQTT subscriptions one user may hold over its connections
     * @param exempt           callers the limits do not apply to
     */
    public UserQuota(int maxConnections, int maxSubscriptions, Predicate<Principal> exempt) {
        this.maxConnections = maxConnections;
        this.maxSubscriptions = maxSubscriptions;
        this.exempt = exempt;
    }

    /**
     * Counts a connection the user opens.
     *
     * @return what closing it must run (once)
     * @throws ResourceException {@code TOO_MANY_REQUESTS} when the user holds the most connections allowed
     */
    public Runnable openConnection(Principal principal) {
        if (exempt.test(principal)) {
            return () -> { };
        }
        AtomicInteger open = connections.computeIfAbsent(principal.name(), name -> new AtomicInteger());
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            refused.increment();
            throw new ResourceException(ResourceException.Kind.TOO_MANY_REQUESTS, principal.name() + " has "
                    + maxConnections + " connections open, the most allowed", null, null);
        }
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        };
    }

    /** Whether the user may open one more connection now (refusing before a WebSocket upgrade). */
    public void checkConnection(Principal principal) {
        openConnection(principal).run();
    }

    /**
     * Counts a subscription the user adds.
     *
     * @return false, counting nothing, when the user holds the most subscriptions allowed
     */
    public boolean addSubscription(Principal principal) {
        if (exempt.test(principal)) {
            return true;
        }
        AtomicInteger held = subscriptions.computeIfAbsent(principal.name(), name -> new AtomicInteger());
        if (held.incrementAndGet() > maxSubscriptions) {
            held.decrementAndGet();
            refused.increment();
            return false;
        }
        return true;
    }

    /** Forgets subscriptions the user ended (counted ones only). */
    public void removeSubscriptions(Principal principal, int count) {
        if (count > 0 && !exempt.test(principal)) {
            subscriptions.computeIfAbsent(principal.name(), name -> new AtomicInteger()).addAndGet(-count);
        }
    }

    /** Connections and subscriptions refused since start. */
    public long refused() {
        return refused.sum();
    }
}
