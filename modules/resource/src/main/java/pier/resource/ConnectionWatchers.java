package pier.resource;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import pier.query.Query;

/**
 * The subscribers of {@code $connections} and the order of its changes. Every call is made holding the
 * lock of this object (taken by {@link Connections}), so that a subscriber's current state and the changes
 * after it never overlap or leave a gap; offering an event never waits.
 */
final class ConnectionWatchers {

    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
    private long sequence; // guarded by this

    /** @return the position of the latest change */
    long sequence() {
        return sequence;
    }

    /**
     * A connection opened, changed or ended: each subscriber that sees it gets its state; one that stops
     * seeing it, a deletion ({@code left} when it no longer matches a query).
     */
    void changed(String id, Supplier<JsonNode> value, boolean gone) {
        long position = ++sequence;
        if (watchers.isEmpty()) {
            return; // the record is made only for someone who listens
        }
        JsonNode made = value.get();
        watchers.forEach(watcher -> watcher.changed(id, made, gone, position));
    }

    /** A new subscriber: the current state of what it watches, the synced marker, then the changes. */
    Subscription watch(Principal principal, Optional<String> id, Query query, SubscribeOptions options,
                       Iterable<Connection> live) {
        Watcher watcher = new Watcher(principal, id, query, options);
        if (options.currentState()) {
            for (Connection connection : live) {
                watcher.state(connection.id(), connection.value(), sequence);
            }
        }
        watcher.queue(new Event.Synced(sequence), "events");
        watchers.add(watcher);
        return watcher;
    }

    int size() {
        return watchers.size();
    }

    /** After users or roles changed: a subscriber that may no longer read the connections is closed. */
    void recheck(Access access) {
        watchers.forEach(watcher -> {
            if (!access.allows(watcher.principal, Connections.NAME, Permission.READ)) {
                watcher.close(watcher.principal.name() + " may no longer read " + Connections.NAME);
            }
        });
    }

    private final class Watcher extends QueuedSubscription {

        private final Principal principal;
        private final Optional<String> id;
        private final Query query;
        private final Set<String> shown = new HashSet<>(); // guarded by the watchers' lock

        Watcher(Principal principal, Optional<String> id, Query query, SubscribeOptions options) {
            super(options.capacity(), options.overflow());
            this.principal = principal;
            this.id = id;
            this.query = query;
        }

        void state(String connection, JsonNode value, long position) {
            if (sees(connection) && query.matches(value)) {
                shown.add(connection);
                queue(new Event.Put(Record.of(connection, position, position, query.project(value))), "events");
            }
        }

        void changed(String connection, JsonNode value, boolean gone, long position) {
            if (!sees(connection)) {
                return;
            }
            boolean matches = query.matches(value);
            boolean wasShown = shown.contains(connection);
            if (matches) {
                queue(new Event.Put(Record.of(connection, position, position, query.project(value))), "events");
            }
            if (gone) {
                shown.remove(connection);
                if (matches || wasShown) {
                    queue(new Event.Delete(connection, position, position, Event.Reason.DELETED), "events");
                }
            } else if (matches) {
                shown.add(connection);
            } else if (wasShown) {
                shown.remove(connection);
                queue(new Event.Delete(connection, position, position, Event.Reason.LEFT), "events");
            }
        }

        private boolean sees(String connection) {
            return id.isEmpty() || id.get().equals(connection);
        }

        @Override
        protected void closing() {
            watchers.remove(this);
        }
    }
}
