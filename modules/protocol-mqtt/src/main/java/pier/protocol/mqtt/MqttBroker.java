package pier.protocol.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import java.util.Optional;

import pier.security.Authenticator;
import pier.resource.Principal;

/**
 * The broker: sessions by client id, the subscription tree, retained messages and the timers for
 * keep-alive, delayed wills and session expiry. Transports hand each new network connection to
 * {@link #connect} and feed it decoded packets; the broker never blocks a transport's thread.
 */
public final class MqttBroker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MqttBroker.class.getName());
    static final String SYS = "$SYS/broker/";

    final MqttSettings settings;
    final Authenticator authenticator;
    final SessionRegistry sessions;
    final TableTopics tables;
    private final SubscriptionTree tree = new SubscriptionTree();
    private final SharedSubscriptions shared = new SharedSubscriptions();
    private final LongAdder received = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder denied = new LongAdder();
    private final Set<MqttConnection> connections = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timers;
    private final RetainedStore store;
    private final Map<String, Message> retained = new ConcurrentHashMap<>();
    private final long started = System.currentTimeMillis();
    private volatile pier.resource.MessageRelay relay = pier.resource.MessageRelay.NONE;

    private MqttBroker(MqttSettings settings, Authenticator authenticator, RetainedStore store,
                       SessionStore sessionStore, TableTopics tables) {
        this.settings = settings;
        this.tables = tables;
        this.authenticator = authenticator;
        this.store = store;
        store.loadAll().forEach(m -> retained.put(m.topic(), m));
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("pier-mqtt-timers")
                .daemon().factory());
        this.sessions = new SessionRegistry(sessionStore, settings, timers, new Routing());
        sessions.restore();
        // a change of users or roles is checked against every connection's subscriptions at once
        tables.access().onChange(() -> forEachConnection(MqttConnection::recheckAccess, "access check"));
        timers.scheduleWithFixedDelay(this::checkKeepAlives, 1, 1, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(this::publishStatistics, 0, 10, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(() -> Thread.ofVirtual().start(sessions::saveChanged), 2, 2,
                TimeUnit.SECONDS);
    }

    /**
     * Starts a broker.
     *
     * @param settings      its limits
     * @param authenticator checks CONNECT credentials
     * @param store         keeps retained messages of plain topics
     * @return the broker
     */
    public static MqttBroker start(MqttSettings settings, Authenticator authenticator, RetainedStore store) {
        return start(settings, authenticator, store, SessionStore.NONE);
    }

    /**
     * Starts a broker whose durable sessions outlive the process.
     *
     * @param settings      its limits
     * @param authenticator checks CONNECT credentials
     * @param store         keeps retained messages of plain topics
     * @param sessions      keeps durable sessions and the messages they need
     * @return the broker, with the kept sessions restored
     */
    public static MqttBroker start(MqttSettings settings, Authenticator authenticator, RetainedStore store,
                                   SessionStore sessions) {
        return start(settings, authenticator, store, sessions, TableTopics.NONE);
    }

    /**
     * Starts a broker whose topics {@code T/<id>} are the records of the resources served as {@code T}.
     *
     * @param settings      its limits
     * @param authenticator checks CONNECT credentials
     * @param store         keeps retained messages of plain topics
     * @param sessions      keeps durable sessions and the messages they need
     * @param tables        the resources whose records are topics
     * @return the broker, with the kept sessions restored
     */
    public static MqttBroker start(MqttSettings settings, Authenticator authenticator, RetainedStore store,
                                   SessionStore sessions, TableTopics tables) {
        return new MqttBroker(settings, authenticator, store, sessions, tables);
    }

    /**
     * Sends the messages of plain topics to the other nodes of a cluster, and routes theirs here: their
     * subscribers on this node receive them, and a retained one is this node's retained message too (the
     * retained store itself is replicated as a table).
     *
     * @param messages the cluster's relay
     */
    public void relay(pier.resource.MessageRelay messages) {
        relay = messages;
        messages.receive(RelayedMessages.CHANNEL, this::routeRelayed);
    }

    private void routeRelayed(pier.resource.MessageRelay.Relayed relayed) {
        Message message = RelayedMessages.message(relayed);
        if (message.retain()) {
            if (message.payload().length == 0) {
                retained.remove(message.topic());
            } else {
                retained.put(message.topic(), message);
            }
        }
        route(message, congested -> { });
    }

    /**
     * A new network connection; feed it the packets the transport decodes.
     *
     * @param transport the connection's transport
     * @return the connection's protocol state
     */
    public MqttConnection connect(MqttTransport transport) {
        MqttConnection connection = new MqttConnection(this, transport);
        connections.add(connection);
        return connection;
    }

    /**
     * Counters since start.
     *
     * @return a snapshot
     */
    public MqttStats stats() {
        return new MqttStats(connections.stream().filter(MqttConnection::established).count(), sessions.all().size(),
                received.sum(), sent.sum(), sessions.dropped.sum(), retained.size(), denied.sum());
    }

    /** Disconnects every client (v5: reason 0x8B, server shutting down) and stops the timers. */
    @Override
    public void close() {
        forEachConnection(MqttConnection::serverShutdown, "shutdown");
        timers.shutdownNow();
        sessions.saveAll();
    }

    // one connection's failure never keeps the others from their turn (a stop, an access change)
    private void forEachConnection(java.util.function.Consumer<MqttConnection> action, String what) {
        for (MqttConnection connection : connections) {
            try {
                action.accept(connection);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "mqtt " + what + " of a connection failed: " + e);
            }
        }
    }

    /**
     * Delivers a message to every matching subscription; returns how many sessions it reached. A QoS 1
     * or 2 delivery to a durable session first puts the message in the durable log (once). Connected
     * sessions whose queue is past its high-water mark are handed to {@code congested}: the publisher
     * waits for them before it reads on.
     */
    int route(Message message, Consumer<Session> congested) {
        int reached = 0;
        long position = 0;
        for (var match : tree.match(message.topic()).entrySet()) {
            Session session = match.getKey();
            Optional<Delivery> delivery = Delivery.of(match.getValue(), session, message);
            if (delivery.isEmpty()) {
                continue;
            }
            boolean logged = delivery.get().qos(message) > 0 && session.durable();
            if (logged && position == 0) {
                position = sessions.log(message);
            }
            if (session.offer(delivery.get().pending(message, logged ? position : 0))) {
                congested.accept(session);
            }
            reached++;
        }
        for (SharedSubscriptions.Group group : shared.matching(message.topic())) {
            reached += offerShared(group, message) ? 1 : 0;
        }
        return reached;
    }

    // one member of the group gets the message; never retained (MQTT-4.8.2)
    private boolean offerShared(SharedSubscriptions.Group group, Message message) {
        var member = group.pick();
        if (member.isEmpty()) {
            return false;
        }
        Session session = member.get().getKey();
        Subscription subscription = member.get().getValue();
        int qos = Math.min(subscription.qos(), message.qos());
        long position = qos > 0 && session.durable() ? sessions.log(message) : 0;
        List<Integer> ids = subscription.identifier() > 0 ? List.of(subscription.identifier()) : List.of();
        session.offer(new Session.Pending(message, qos, false, ids, position, group, false, 0));
        return true;
    }

    /**
     * Keeps (or, for an empty payload, clears) a topic's retained message: at once for new subscribers,
     * durably when the future completes.
     */
    CompletableFuture<Void> retain(Message message) {
        if (message.payload().length == 0) {
            retained.remove(message.topic());
            return store.remove(message.topic());
        }
        retained.put(message.topic(), message);
        return store.put(message);
    }

    List<Message> retainedMatching(String filter) {
        long now = System.currentTimeMillis();
        return retained.values().stream().filter(m -> Topics.matches(filter, m.topic()) && !m.expired(now))
                .sorted(java.util.Comparator.comparing(Message::topic)).toList();
    }

    /** A plain-topic subscription joins the routing: its session receives what is published to its filter. */
    void route(Session session, Subscription subscription) {
        tree.add(session, subscription);
    }

    /** A member joins a shared subscription's group ({@code $share/group/filter}). */
    void share(String group, String filter, Session session, Subscription member) {
        shared.add(group, filter, session, member);
    }

    /** A session's subscription to a filter leaves the routing, and its shared group if it is a share. */
    void unroute(Session session, String filter) {
        tree.remove(session, filter);
        if (filter.startsWith(SharedSubscriptions.PREFIX)) {
            SharedSubscriptions.parse(filter).ifPresent(g -> shared.remove(g[0], g[1], session));
        }
    }

    /** Counts a PUBLISH received from a client. */
    void received() {
        received.increment();
    }

    /** Counts a publish or subscription refused for lack of permission. */
    void denied() {
        denied.increment();
    }

    /** @return the counter of PUBLISH packets sent, which each connection's outbound adds to */
    LongAdder sentCounter() {
        return sent;
    }

    /** Connections not yet ended, with or without a CONNECT. */
    int openConnections() {
        return connections.size();
    }

    void closed(MqttConnection connection) {
        connections.remove(connection);
    }

    /** How sessions leave and join the routing of plain topics. */
    private final class Routing implements SessionRegistry.Routing {

        @Override
        public void unroute(Session session) {
            for (Subscription s : session.subscriptions()) {
                MqttBroker.this.unroute(session, s.filter());
            }
            // what a leaving member of a shared group had not yet received goes to the others
            for (Session.Pending pending : session.takeShared()) {
                offerShared(pending.group(), pending.message());
            }
        }

        @Override
        public void route(Session session, Subscription subscription) {
            if (subscription.filter().startsWith(SharedSubscriptions.PREFIX)) {
                SharedSubscriptions.parse(subscription.filter())
                        .ifPresent(g -> share(g[0], g[1], session, subscription));
            } else {
                MqttBroker.this.route(session, subscription);
            }
        }

        @Override
        public void publishWill(Will will, Session session) {
            MqttBroker.this.publishWill(will, session);
        }
    }

    /**
     * A message from a client, a PUBLISH or its will: to a record topic it writes the record (retained) or
     * notifies its subscribers, through the resource and its guard; to a plain topic it needs a publish
     * grant, and is kept (retained) and routed.
     *
     * @param message     the message
     * @param principal   the client's user
     * @param contentType the payload's format: the message's own, else what the transport declared
     * @param session     the publishing session, for No Local on records
     * @param congested   receives the connected sessions whose queues are too full, for the publisher to wait
     * @return the v5 reason code of the acknowledgement, once what it waits for is durable
     */
    CompletableFuture<Byte> publish(Message message, Principal principal, Optional<String> contentType,
                                    Session session, Consumer<Session> congested) {
        String topic = message.topic();
        if (topic.startsWith("$SYS")) {
            return CompletableFuture.completedFuture(ReasonCodes.NOT_AUTHORIZED);
        }
        Optional<TableTopics.Target> record = tables.target(topic);
        if (record.isPresent()) {
            return tables.write(record.get(), message.payload(), message.retain(), contentType, principal, session);
        }
        if (tables.namesNoRecord(topic)) {
            return CompletableFuture.completedFuture(ReasonCodes.TOPIC_NAME_INVALID);
        }
        if (!tables.access().mayPublish(principal, message.publisher(), topic)) {
            return CompletableFuture.completedFuture(ReasonCodes.NOT_AUTHORIZED);
        }
        try {
            CompletableFuture<Void> kept = message.retain() ? retain(message) : CompletableFuture.completedFuture(null);
            int reached = route(message, congested);
            boolean clustered = relay != pier.resource.MessageRelay.NONE;
            if (clustered) {
                relay.send(RelayedMessages.of(message));
            }
            // in a cluster, another node may have subscribers: "no matching subscribers" cannot be said here
            byte reason = reached == 0 && !clustered ? ReasonCodes.NO_MATCHING_SUBSCRIBERS : ReasonCodes.NORMAL;
            return kept.handle((ignored, failure) -> {
                if (failure == null) {
                    return reason;
                }
                LOG.log(System.Logger.Level.WARNING, "retained message of " + topic + " not kept: " + failure);
                return ReasonCodes.UNSPECIFIED;
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "publish to " + topic + " failed: " + e.getMessage());
            return CompletableFuture.completedFuture(ReasonCodes.UNSPECIFIED);
        }
    }

    /**
     * Publishes a message now if nothing about it can make the caller wait: a plain topic's message that is
     * not retained and that no durable session logs (a message to a record, a retained one, one a durable
     * session must keep, returns empty having done nothing).
     */
    Optional<CompletableFuture<Byte>> publishAtOnce(Message message, Principal principal,
                                                    Consumer<Session> congested) {
        String topic = message.topic();
        if (message.retain() || tables.target(topic).isPresent() || tables.namesNoRecord(topic) || logs(message)) {
            return Optional.empty();
        }
        return Optional.of(publish(message, principal, Optional.empty(), null, congested));
    }

    // whether routing the message would put it in the durable log (a commit to wait for)
    private boolean logs(Message message) {
        if (message.qos() == 0) {
            return false;
        }
        if (!shared.matching(message.topic()).isEmpty()) {
            return true;
        }
        for (var match : tree.match(message.topic()).entrySet()) {
            if (match.getKey().durable()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a client's user may publish a message (a will is checked when it is set and again when sent). */
    boolean mayPublish(Message message, Principal principal) {
        String topic = message.topic();
        Optional<TableTopics.Target> record = tables.target(topic);
        if (record.isPresent()) {
            String name = record.get().name();
            pier.security.Policy access = tables.access();
            if (!message.retain()) {
                return access.allows(principal, name, pier.resource.Permission.UPDATE);
            }
            return record.get().id() != null && (message.payload().length == 0
                    ? access.allows(principal, name, pier.resource.Permission.DELETE)
                    : access.allows(principal, name, pier.resource.Permission.INSERT)
                    || access.allows(principal, name, pier.resource.Permission.UPDATE));
        }
        return !topic.startsWith("$SYS") && !tables.namesNoRecord(topic)
                && tables.access().mayPublish(principal, message.publisher(), topic);
    }

    private void publishWill(Will will, Session session) {
        if (will == null) {
            return;
        }
        Thread.ofVirtual().start(() -> {
            // a will has no publisher left to slow down
            byte reason = publish(will.message(), will.principal(), will.message().contentType(), session,
                    congested -> { }).join();
            if ((reason & 0x80) != 0) {
                LOG.log(System.Logger.Level.INFO, "will of {0} to {1} not published: reason 0x{2}",
                        will.message().publisher(), will.message().topic(), Integer.toHexString(reason & 0xff));
            }
        });
    }

    private void checkKeepAlives() {
        long now = System.nanoTime();
        forEachConnection(connection -> connection.checkKeepAlive(now), "keep-alive check");
    }

    // $SYS topics are retained in memory only, and never reached by wildcards that start a filter
    private void publishStatistics() {
        try {
            MqttStats stats = stats();
            sys("version", "pier");
            sys("uptime", (System.currentTimeMillis() - started) / 1000 + " seconds");
            sys("clients/connected", Long.toString(stats.connections()));
            sys("sessions/count", Long.toString(stats.sessions()));
            sys("messages/received", Long.toString(stats.messagesReceived()));
            sys("messages/sent", Long.toString(stats.messagesSent()));
            sys("messages/dropped", Long.toString(stats.messagesDropped()));
            sys("retained messages/count", Long.toString(stats.retained()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "$SYS statistics failed", e);
        }
    }

    private void sys(String name, String value) {
        Message message = Message.of(SYS + name, value.getBytes(StandardCharsets.UTF_8), 0, true);
        Message previous = retained.put(message.topic(), message);
        if (previous == null || !java.util.Arrays.equals(previous.payload(), message.payload())) {
            route(message, congested -> { });
        }
    }
}
