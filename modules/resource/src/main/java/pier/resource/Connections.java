package pier.resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Presence as data: the live connections of every protocol, served as the resource {@code $connections}
 * ({@link #resource()}), and the counters per protocol that the server's metrics read. A connection
 * opens here when its client is known (an MQTT CONNECT accepted, a WebSocket or event stream opened)
 * and closes here once, however it ends; its opening, its subscriptions' changes and its end are the
 * resource's events, in one order.
 */
public final class Connections {

    /** The resource's name. */
    public static final String NAME = "$connections";
    /** MQTT over TCP, plain or TLS. */
    public static final String MQTT = "mqtt";
    /** MQTT over WebSocket. */
    public static final String MQTT_WEBSOCKET = "mqtt-ws";
    /** A plain WebSocket on a record, a collection or a live query. */
    public static final String WEBSOCKET = "websocket";
    /** A Server-Sent Events stream. */
    public static final String SSE = "sse";
    /** Every protocol a connection may have. */
    public static final List<String> PROTOCOLS = List.of(MQTT, MQTT_WEBSOCKET, WEBSOCKET, SSE);

    // ordered by number, so a listing is in the order they connected
    private final Map<Long, Connection> live = new ConcurrentSkipListMap<>();
    private final Map<String, Totals> ended = new ConcurrentHashMap<>();
    private final ConnectionWatchers watchers = new ConnectionWatchers();
    private long opened; // guarded by watchers

    /**
     * A connection starts.
     *
     * @param protocol      one of {@link #PROTOCOLS}
     * @param principal     who it is
     * @param remoteAddress where it comes from
     * @param clientId      its MQTT client id, if any
     * @return the connection; {@link Connection#close close} it when it ends
     */
    public Connection open(String protocol, Principal principal, String remoteAddress, Optional<String> clientId) {
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("unknown protocol " + protocol);
        }
        synchronized (watchers) {
            long number = ++opened;
            Connection connection = new Connection(this, number, protocol, principal, remoteAddress, clientId);
            live.put(number, connection);
            totals(protocol).opened.increment();
            watchers.changed(connection.id(), connection::value, false);
            return connection;
        }
    }

    /**
     * The counters of one protocol: of its live connections and of those that ended.
     *
     * @param protocol the protocol
     * @return a snapshot
     */
    public ProtocolStats stats(String protocol) {
        synchronized (watchers) { // a connection that ends meanwhile is counted once, never left out
            return statsNow(protocol);
        }
    }

    private ProtocolStats statsNow(String protocol) {
        Totals totals = totals(protocol);
        long connections = 0;
        long in = totals.messagesIn.sum();
        long out = totals.messagesOut.sum();
        long bytesIn = totals.bytesIn.sum();
        long bytesOut = totals.bytesOut.sum();
        long dropped = totals.dropped.sum();
        long queued = 0;
        for (Connection connection : live.values()) {
            if (connection.protocol().equals(protocol)) {
                connections++;
                in += connection.messagesIn();
                out += connection.messagesOut();
                bytesIn += connection.bytesIn();
                bytesOut += connection.bytesOut();
                dropped += connection.droppedCount();
                queued += connection.queued();
            }
        }
        return new ProtocolStats(connections, totals.opened.sum(), in, out, bytesIn, bytesOut, queued, dropped);
    }

    /**
     * The resource {@code $connections}: the live connections as records, a live resource like a table.
     *
     * @return the resource, to register under {@link #NAME}
     */
    public Resource resource() {
        return new ConnectionsResource(this);
    }

    /**
     * Checks the subscribers of {@code $connections} again after every change of users or roles: one that
     * may no longer read it is closed with the reason.
     *
     * @param access who may do what
     */
    public void enforce(Access access) {
        access.onChange(() -> {
            synchronized (watchers) {
                watchers.recheck(access);
            }
        });
    }

    List<Connection> live() {
        return new ArrayList<>(live.values());
    }

    Optional<Connection> find(String id) {
        try {
            return Optional.ofNullable(live.get(Long.parseLong(id)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    ConnectionWatchers watchers() {
        return watchers;
    }

    void changed(Connection connection) {
        synchronized (watchers) {
            if (live.containsKey(connection.number())) {
                watchers.changed(connection.id(), connection::value, false);
            }
        }
    }

    void closed(Connection connection, String reason, boolean willDue) {
        synchronized (watchers) {
            live.remove(connection.number());
            Totals totals = totals(connection.protocol());
            totals.messagesIn.add(connection.messagesIn());
            totals.messagesOut.add(connection.messagesOut());
            totals.bytesIn.add(connection.bytesIn());
            totals.bytesOut.add(connection.bytesOut());
            totals.dropped.add(connection.droppedCount());
            watchers.changed(connection.id(), () -> {
                var last = connection.value().put("disconnected", reason);
                return willDue ? last.put("willDue", true) : last;
            }, true);
        }
    }

    private Totals totals(String protocol) {
        return ended.computeIfAbsent(protocol, p -> new Totals());
    }

    /** What the connections that ended moved, and how many ever opened. */
    private static final class Totals {
        final LongAdder opened = new LongAdder();
        final LongAdder messagesIn = new LongAdder();
        final LongAdder messagesOut = new LongAdder();
        final LongAdder bytesIn = new LongAdder();
        final LongAdder bytesOut = new LongAdder();
        final LongAdder dropped = new LongAdder();
    }
}
