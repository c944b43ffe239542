package pier.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import pier.codec.Codec;
import pier.resource.Event;

/**
 * Delivers committed changes and published messages to the subscriptions of a record or a whole table.
 * One {@link Event} object goes to every subscriber, so its record is encoded once per format.
 */
final class Fanout {

    private final Codec cbor;
    private final Map<String, Set<QueueSubscription>> byRecord = new ConcurrentHashMap<>();
    private final Map<String, Set<QueueSubscription>> byTable = new ConcurrentHashMap<>();

    Fanout(Codec cbor) {
        this.cbor = cbor;
    }

    void publish(List<FeedEntry> entries) {
        for (FeedEntry entry : entries) {
            deliver(entry.table(), entry.id(), entry.toEvent(cbor));
        }
    }

    void deliver(String table, String id, Event event) {
        byRecord.getOrDefault(recordKey(table, id), Set.of()).forEach(s -> s.offer(event));
        byTable.getOrDefault(table, Set.of()).forEach(s -> s.offer(event));
    }

    /** Adds a subscription to one record, or to the whole table when {@code id} is null. */
    void add(String table, String id, QueueSubscription subscription) {
        index(id).computeIfAbsent(key(table, id), k -> ConcurrentHashMap.newKeySet()).add(subscription);
    }

    void remove(String table, String id, QueueSubscription subscription) {
        index(id).computeIfPresent(key(table, id), (k, set) -> {
            set.remove(subscription);
            return set.isEmpty() ? null : set;
        });
    }

    private Map<String, Set<QueueSubscription>> index(String id) {
        return id == null ? byTable : byRecord;
    }

    private static String key(String table, String id) {
        return id == null ? table : recordKey(table, id);
    }

    private static String recordKey(String table, String id) {
        return table + '\u0000' + id;
    }
}
