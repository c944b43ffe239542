package pier.protocol.mqtt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import pier.codec.Codec;
import pier.resource.Principal;

/**
 * The sessions, by client id, and everything that changes which session exists: opening one at CONNECT
 * (taking over a connected one, refusing another user's), parking one when its connection ends (with
 * its will and expiry timers), expiry, and keeping durable ones in the {@link SessionStore}. It alone
 * holds the lock under which sessions come and go.
 */
final class SessionRegistry {

    private static final System.Logger LOG = System.getLogger(SessionRegistry.class.getName());
    /** An expiry this long means the session never expires (MQTT 3.1.1's persistent sessions). */
    static final long NEVER = Long.MAX_VALUE;

    /** What the broker does when a session ends or is restored: its subscriptions leave or join the routing. */
    interface Routing {
        void unroute(Session session);

        void route(Session session, Subscription subscription);

        void publishWill(Will will, Session session);
    }

    /** A session a connection opened, and whether it existed before (MQTT's session present). */
    record Opened(Session session, boolean present) {
    }

    /** What a connection that ends leaves behind for its session. */
    record Parting(Will will, long willDelayMillis, long expiryMillis) {
    }

    /** Messages dropped from full session backlogs since start, sessions gone included. */
    final LongAdder dropped = new LongAdder();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final SessionStore store;
    private final MqttSettings settings;
    private final ScheduledExecutorService timers;
    private final Routing routing;

    SessionRegistry(SessionStore store, MqttSettings settings, ScheduledExecutorService timers, Routing routing) {
        this.store = store;
        this.settings = settings;
        this.timers = timers;
        this.routing = routing;
    }

    /**
     * Opens a connection's session: takes over the client id's session or creates one.
     *
     * @return the session, or empty when the client id is another user's session
     */
    Optional<Opened> open(String clientId, Principal principal, boolean cleanStart, MqttConnection connection,
                          Codec codec, long expiryMillis) {
        lock.lock();
        try {
            Session existing = sessions.get(clientId);
            if (existing != null && !existing.claimBy(principal.name())) {
                return Optional.empty();
            }
            if (existing != null && existing.connection() != null) {
                existing.connection().takenOver();
            }
            existing = sessions.get(clientId);
            boolean present = existing != null && !cleanStart;
            if (existing != null && cleanStart) {
                discard(existing);
                existing = null;
            }
            Session session = existing != null ? existing : new Session(clientId, principal.name(),
                    settings.sessionBacklog(), dropped);
            sessions.put(clientId, session);
            session.attach(connection);
            session.codec(codec);
            session.expiry(expiryMillis);
            session.disconnectedAt(0);
            save(session);
            return Optional.of(new Opened(session, present));
        } finally {
            lock.unlock();
        }
    }

    /** A connection ended: its session is discarded (expiry 0) or parked with its will and expiry timers. */
    void parted(Session session, Parting parting) {
        lock.lock();
        try {
            if (parting.expiryMillis() == 0) {
                discard(session);
                routing.publishWill(parting.will(), session);
                return;
            }
            Will will = parting.will();
            var willTask = will == null || parting.willDelayMillis() == 0 ? null
                    : schedule(() -> routing.publishWill(will, session),
                    Math.min(parting.willDelayMillis(), parting.expiryMillis()));
            if (will != null && parting.willDelayMillis() == 0) {
                routing.publishWill(will, session);
            }
            var expiryTask = parting.expiryMillis() >= NEVER / 2 ? null
                    : schedule(() -> expire(session), parting.expiryMillis());
            session.timers(expiryTask, willTask, will);
            session.disconnectedAt(System.currentTimeMillis());
        } finally {
            lock.unlock();
        }
        save(session);
    }

    /** Ends a session: its subscriptions go, it is forgotten, and a will waiting for its delay is sent now. */
    private void discard(Session session) {
        routing.unroute(session);
        session.closeAllFeeds();
        if (sessions.remove(session.clientId, session) && session.durable()) {
            try {
                store.remove(session.clientId);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "session " + session.clientId + " could not be removed: " + e);
            }
        }
        routing.publishWill(session.end(), session);
    }

    private void expire(Session session) {
        lock.lock();
        try {
            if (!session.connected()) {
                discard(session);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Keeps a durable session's state; a failure is logged and retried by the next save. */
    void save(Session session) {
        if (!session.durable()) {
            return;
        }
        try {
            store.save(session.stored());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "session " + session.clientId + " could not be saved: " + e);
        }
    }

    void saveChanged() {
        sessions.values().stream().filter(Session::dirty).forEach(this::save);
    }

    void saveAll() {
        sessions.values().forEach(this::save);
    }

    Collection<Session> all() {
        return sessions.values();
    }

    /** Puts a message in the durable log, for durable sessions that will deliver it; returns its position. */
    long log(Message message) {
        return store.append(message);
    }

    /** Brings back the durable sessions kept before a restart, less those that expired meanwhile. */
    void restore() {
        long now = System.currentTimeMillis();
        long start = store.position();
        for (SessionStore.Stored stored : store.loadAll()) {
            long left = stored.disconnectedAt() == 0 ? stored.expiryMillis()
                    : stored.expiryMillis() - (now - stored.disconnectedAt());
            if (left <= 0) {
                store.remove(stored.clientId());
                continue;
            }
            Session session = Session.restored(stored, settings.sessionBacklog(), dropped, start);
            stored.subscriptions().forEach(s -> routing.route(session, s));
            sessions.put(stored.clientId(), session);
            if (left < NEVER / 4) {
                session.timers(schedule(() -> expire(session), left), null, null);
            }
        }
        if (!sessions.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "restored {0} durable MQTT sessions", sessions.size());
        }
    }

    /** Queues what a restored session missed while the server was down, ahead of what came since. */
    void replay(Session session) {
        long[] range = session.replayRange();
        if (range == null) {
            return;
        }
        List<Session.Pending> missed = new ArrayList<>();
        List<Subscription> subscriptions = session.subscriptions();
        try (var log = store.after(range[0])) {
            log.takeWhile(entry -> entry.getKey() <= range[1]).forEach(entry ->
                    Delivery.of(subscriptions.stream().filter(s -> Topics.matches(s.filter(), entry.getValue().topic()))
                                    .toList(), session, entry.getValue())
                            .filter(delivery -> delivery.qos() > 0)
                            .ifPresent(delivery -> missed.add(delivery.pending(entry.getValue(), entry.getKey()))));
        }
        session.replayed(missed);
    }

    // null once the broker is closing: sessions then end with the process
    private ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return timers.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }
}
