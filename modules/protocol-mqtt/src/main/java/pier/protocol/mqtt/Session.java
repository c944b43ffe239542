package pier.protocol.mqtt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The state of one client id that outlives its connections: subscriptions, messages queued while
 * it is away or slow, QoS 1 and 2 deliveries not yet acknowledged, and QoS 2 publishes received but
 * not yet released. Every method locks the session; publishers of any thread call {@link #offer}.
 */
final class Session {

    private static final System.Logger LOG = System.getLogger(Session.class.getName());

    /**
     * A message waiting to go out, at the QoS it will be sent with, its position in the durable log (or 0),
     * the shared subscription group it came through (or null), whether it replaces a message of its topic
     * still waiting (delivery mode latest) and how many messages it stands for beyond itself.
     */
    record Pending(Message message, int qos, boolean retain, List<Integer> subscriptionIds, long position,
                   SharedSubscriptions.Group group, boolean latest, long merged) {
        Pending(Message message, int qos, boolean retain, List<Integer> subscriptionIds, long position) {
            this(message, qos, retain, subscriptionIds, position, null, false, 0);
        }

        Pending replacing(Pending older) {
            return new Pending(message, qos, retain, subscriptionIds, position, group, latest,
                    merged + older.merged + 1);
        }
    }

    /** A QoS 1 or 2 delivery sent and not yet completed. */
    static final class Inflight {
        final Pending pending;
        final int packetId;
        boolean released;

        Inflight(Pending pending, int packetId) {
            this.pending = pending;
            this.packetId = packetId;
        }
    }

    final String clientId;
    private final int backlog;
    // past this many queued messages for a connected client, its publishers wait for room
    private final int highWater;
    private int waitingForRoom;
    private final List<Runnable> roomWaiters = new ArrayList<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    // delivery mode latest: the newest message waiting per topic; the others in the queue are skipped
    private final Map<String, Pending> newest = new java.util.HashMap<>();
    private int superseded;
    private final LinkedHashMap<Integer, Inflight> inflight = new LinkedHashMap<>();
    private final Set<Integer> receivedQos2 = new HashSet<>();
    private MqttConnection connection;
    private int nextPacketId = 1;
    // messages dropped from the backlog: the broker's count, which outlives the session
    private final LongAdder droppedTotal;
    private boolean dropping;
    private ScheduledFuture<?> expiry;
    private ScheduledFuture<?> will;
    private Will delayedWill;
    // durability: kept across restarts when expiryMillis > 0
    private long expiryMillis;
    private long cursor;
    private long lastPosition;
    private long replayUpTo;
    private long disconnectedAt;
    private boolean dirty;
    private String owner;
    // record topics: one resource subscription per MQTT subscription and resource
    private final Map<String, List<TableFeed>> feeds = new java.util.HashMap<>();
    private boolean feedsStarted = true;
    private volatile pier.codec.Codec codec;
    /** The record writes of this session's own publishes, for No Local on record topics. */
    final OwnWrites ownWrites = new OwnWrites();

    Session(String clientId, String owner, int backlog, LongAdder droppedTotal) {
        this.droppedTotal = droppedTotal;
        this.clientId = clientId;
        this.owner = owner;
        this.backlog = backlog;
        this.highWater = Math.max(1, backlog / 10);
    }

    /**
     * Whether a user may resume or take over this session: only the user who made it. A session kept before
     * sessions had owners goes to the first user who resumes it.
     */
    synchronized boolean claimBy(String user) {
        if (owner.isEmpty()) {
            owner = user;
            dirty = true;
        }
        return owner.equals(user);
    }

    /** A session restored from the store: it replays the log from its cursor up to where the broker started. */
    static Session restored(SessionStore.Stored stored, int backlog, LongAdder droppedTotal, long startPosition) {
        Session session = new Session(stored.clientId(), stored.owner(), backlog, droppedTotal);
        stored.subscriptions().forEach(s -> session.subscriptions.put(s.filter(), s));
        session.expiryMillis = stored.expiryMillis();
        session.cursor = stored.cursor();
        session.lastPosition = stored.cursor();
        session.replayUpTo = startPosition;
        session.disconnectedAt = stored.disconnectedAt();
        session.feedsStarted = false;
        return session;
    }

    /** The format record topics are sent in: the one the latest connection chose. */
    pier.codec.Codec codec() {
        return codec;
    }

    void codec(pier.codec.Codec chosen) {
        codec = chosen;
    }

    synchronized void addFeed(String filter, TableFeed feed) {
        feeds.computeIfAbsent(filter, f -> new ArrayList<>()).add(feed);
    }

    synchronized void closeFeeds(String filter) {
        List<TableFeed> closing = feeds.remove(filter);
        if (closing != null) {
            closing.forEach(TableFeed::close);
        }
    }

    synchronized void closeAllFeeds() {
        feeds.values().forEach(list -> list.forEach(TableFeed::close));
        feeds.clear();
    }

    /** Whether a restored session still has to subscribe to its record topics; true once, then false. */
    synchronized boolean startFeeds() {
        boolean start = !feedsStarted;
        feedsStarted = true;
        return start;
    }

    synchronized void expiry(long millis) {
        expiryMillis = millis;
        dirty = true;
    }

    synchronized boolean durable() {
        return expiryMillis > 0;
    }

    synchronized void disconnectedAt(long millis) {
        disconnectedAt = millis;
        dirty = true;
    }

    /** The state to keep, with the cursor just before the oldest message not yet delivered. */
    synchronized SessionStore.Stored stored() {
        if (replayUpTo <= cursor) {
            // nothing left to replay from before the restart: the cursor follows deliveries
            long oldest = Long.MAX_VALUE;
            for (Pending pending : queue) {
                if (pending.position() > 0) {
                    oldest = Math.min(oldest, pending.position());
                }
            }
            for (Inflight delivery : inflight.values()) {
                if (delivery.pending.position() > 0) {
                    oldest = Math.min(oldest, delivery.pending.position());
                }
            }
            cursor = Math.max(cursor, oldest == Long.MAX_VALUE ? lastPosition : oldest - 1);
        }
        dirty = false;
        return new SessionStore.Stored(clientId, owner, new ArrayList<>(subscriptions.values()), expiryMillis, cursor,
                disconnectedAt);
    }

    synchronized boolean dirty() {
        return dirty;
    }

    /** The log range a restored session must still replay, or null. */
    synchronized long[] replayRange() {
        return replayUpTo > cursor ? new long[] {cursor, replayUpTo} : null;
    }

    /** Puts replayed messages before what was queued live since the restart. */
    synchronized void replayed(List<Pending> messages) {
        List<Pending> live = new ArrayList<>(queue);
        messages.forEach(m -> lastPosition = Math.max(lastPosition, m.position()));
        lastPosition = Math.max(lastPosition, replayUpTo);
        dirty = true;
        queue.clear();
        queue.addAll(messages);
        queue.addAll(live);
        dropOverBacklog();
        replayUpTo = 0;
    }

    synchronized void attach(MqttConnection to) {
        connection = to;
        cancelTimers();
    }

    /** Detaches a connection, if it is still the session's; returns whether it was. */
    synchronized boolean detach(MqttConnection from) {
        if (connection != from) {
            return false;
        }
        roomAgain(); // there is no client to wait for
        connection = null;
        return true;
    }

    synchronized boolean connected() {
        return connection != null;
    }

    synchronized MqttConnection connection() {
        return connection;
    }

    synchronized void timers(ScheduledFuture<?> expiryTask, ScheduledFuture<?> willTask, Will willMessage) {
        cancelTimers();
        expiry = expiryTask;
        will = willTask;
        delayedWill = willTask == null ? null : willMessage;
    }

    /** Takes back the queued messages that came through shared groups, for other members. */
    synchronized List<Pending> takeShared() {
        List<Pending> shared = new ArrayList<>();
        queue.removeIf(p -> p.group() != null && shared.add(p));
        return shared;
    }

    /** Ends the session's timers; returns a will still waiting for its delay, which the end of the session sends. */
    synchronized Will end() {
        Will pending = will != null && !will.isDone() ? delayedWill : null;
        cancelTimers();
        return pending;
    }

    private void cancelTimers() {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        if (will != null) {
            will.cancel(false);
            will = null;
        }
        delayedWill = null;
    }

    /** Adds or replaces a subscription; returns whether it is new. */
    synchronized boolean subscribe(Subscription subscription) {
        return subscriptions.put(subscription.filter(), subscription) == null;
    }

    synchronized boolean unsubscribe(String filter) {
        return subscriptions.remove(filter) != null;
    }

    synchronized int subscriptionCount() {
        return subscriptions.size();
    }

    synchronized List<Subscription> subscriptions() {
        return new ArrayList<>(subscriptions.values());
    }

    synchronized boolean hasSubscription(String filter) {
        return subscriptions.containsKey(filter);
    }

    /** Remembers an inbound QoS 2 packet id; false when it is a duplicate of one not yet released. */
    synchronized boolean receiveQos2(int packetId) {
        return receivedQos2.add(packetId);
    }

    synchronized boolean releaseQos2(int packetId) {
        return receivedQos2.remove(packetId);
    }

    synchronized boolean hasUnreleasedQos2(int packetId) {
        return receivedQos2.contains(packetId);
    }

    synchronized int unreleasedQos2() {
        return receivedQos2.size();
    }

    /**
     * Queues a message for the client and sends what the connection can take. Returns whether the client
     * is connected and its queue is past the high-water mark: a publisher feeding it should then
     * {@link #awaitRoom} before it reads on, so that nothing is dropped for a client that is there.
     */
    boolean offer(Pending pending) {
        MqttConnection target;
        boolean congested;
        synchronized (this) {
            if (connection == null && pending.qos() == 0) {
                return false; // QoS 0 is not kept for a client that is away
            }
            if (pending.latest()) {
                Pending older = newest.get(pending.message().topic());
                if (older != null) {
                    pending = pending.replacing(older);
                    superseded++;
                }
                newest.put(pending.message().topic(), pending);
            }
            queue.add(pending);
            if (pending.position() > 0) {
                lastPosition = Math.max(lastPosition, pending.position());
                dirty = true;
            }
            if (dropOverBacklog() && !dropping) {
                dropping = true;
                LOG.log(System.Logger.Level.WARNING, "session {0}: backlog of {1} exceeded, dropping the oldest "
                        + "messages", clientId, backlog);
            }
            target = connection;
            congested = target != null && queue.size() - superseded > highWater;
        }
        if (target != null) {
            target.pump();
        }
        return congested;
    }

    /**
     * Runs an action once the queue is back under its low-water mark, at once when it is there already or no
     * client is connected; what a feed that must not wait does.
     */
    void onRoom(Runnable action) {
        synchronized (this) {
            if (connection != null && queue.size() - superseded > highWater / 2) {
                roomWaiters.add(action);
                return;
            }
        }
        action.run();
    }

    /**
     * Waits until the queue is back under its low-water mark, the client is gone, or the deadline passes.
     *
     * @return whether there is room; false when the client is still connected and stalled at the deadline
     */
    synchronized boolean awaitRoom(long deadlineNanos) throws InterruptedException {
        while (connection != null && queue.size() - superseded > highWater / 2) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            waitingForRoom++;
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } finally {
                waitingForRoom--;
            }
        }
        return true;
    }

    /** Takes the next messages the connection may send now, assigning packet ids to QoS 1 and 2. */
    synchronized List<Inflight> next(int maxInflight, int maxCount, long now) {
        List<Inflight> out = new ArrayList<>();
        while (out.size() < maxCount && !queue.isEmpty()) {
            Pending head = queue.peek();
            if (head.qos() > 0 && inflight.size() >= maxInflight) {
                break;
            }
            queue.poll();
            if (skip(head) || head.message().expired(now)) {
                continue;
            }
            Inflight sending = new Inflight(head, head.qos() == 0 ? 0 : packetId());
            if (head.qos() > 0) {
                inflight.put(sending.packetId, sending);
            }
            out.add(sending);
        }
        if (queue.isEmpty()) {
            dropping = false;
        }
        if (queue.size() - superseded <= highWater / 2) {
            roomAgain();
        }
        return out;
    }

    // wakes the publishers waiting for room, and the feeds waiting for it on a thread of their own (this one
    // holds the session, and may be sending)
    private void roomAgain() {
        if (waitingForRoom > 0) {
            notifyAll();
        }
        if (!roomWaiters.isEmpty()) {
            List<Runnable> ready = new ArrayList<>(roomWaiters);
            roomWaiters.clear();
            Thread.ofVirtual().name("mqtt-room-" + clientId).start(() -> ready.forEach(Runnable::run));
        }
    }

    // the oldest messages beyond the backlog go; returns whether any did
    private boolean dropOverBacklog() {
        boolean any = false;
        while (queue.size() - superseded > backlog) {
            if (!skip(queue.poll())) {
                droppedTotal.increment();
                if (connection != null) {
                    connection.dropped();
                }
                any = true;
            }
        }
        return any;
    }

    // whether a message taken from the queue was replaced by a newer one of its topic (delivery mode latest)
    private boolean skip(Pending taken) {
        if (taken == null || !taken.latest()) {
            return false;
        }
        if (newest.get(taken.message().topic()) == taken) {
            newest.remove(taken.message().topic());
            return false;
        }
        superseded--;
        return true;
    }

    /** Deliveries to send again on a resumed session, in order. */
    synchronized List<Inflight> unacknowledged() {
        return new ArrayList<>(inflight.values());
    }

    synchronized boolean acknowledged(int packetId) {
        Inflight done = inflight.get(packetId);
        if (done == null || done.pending.qos() != 1) {
            return false;
        }
        inflight.remove(packetId);
        dirty |= done.pending.position() > 0;
        return true;
    }

    synchronized boolean received(int packetId) {
        Inflight delivery = inflight.get(packetId);
        if (delivery == null || delivery.pending.qos() != 2) {
            return false;
        }
        delivery.released = true;
        return true;
    }

    synchronized boolean completed(int packetId) {
        Inflight done = inflight.get(packetId);
        if (done == null || !done.released) {
            return false;
        }
        inflight.remove(packetId);
        dirty |= done.pending.position() > 0;
        return true;
    }

    synchronized int queued() {
        return queue.size() - superseded;
    }

    private int packetId() {
        for (int tries = 0; tries < 65_535; tries++) {
            int id = nextPacketId;
            nextPacketId = nextPacketId == 65_535 ? 1 : nextPacketId + 1;
            if (!inflight.containsKey(id)) {
                return id;
            }
        }
        throw new IllegalStateException("no free packet id");
    }
}
