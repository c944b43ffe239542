package pier.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import pier.codec.Codec;
import pier.resource.Event;

/**
 * Delivers committed changes and published messages to the subscriptions of a record or a whole table.
 * One {@link Event} object goes to every subscriber, so its record is encoded once per format.
 * Delivery runs on a thread of its own, in the order things were handed over: the store's committer
 * only queues a batch, so a commit never waits for subscribers, however many there are.
 */
final class Fanout implements AutoCloseable {

    private final Codec cbor;
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("pier-fanout").daemon().factory());
    private final Map<String, Set<QueueSubscription>> byRecord = new ConcurrentHashMap<>();
    private final Map<String, Set<QueueSubscription>> byTable = new ConcurrentHashMap<>();
    private final Map<String, TableStats.Counters> stats = new ConcurrentHashMap<>();

    Fanout(Codec cbor) {
        this.cbor = cbor;
    }

    /**
     * Queues committed changes for delivery; returns at once.
     *
     * @param entries  the changes
     * @param previous for each, the record it replaced, if any
     */
    void publish(List<FeedEntry> entries, List<Optional<StoredRecord>> previous) {
        queue(() -> {
            for (int i = 0; i < entries.size(); i++) {
                FeedEntry entry = entries.get(i);
                Event event = entry.toEvent(cbor);
                if (event instanceof Event.Put put && previous.get(i).isPresent()) {
                    event = new Event.Put(put.value(), previous.get(i).map(r -> r.toRecord(entry.id(), cbor)));
                }
                offer(entry.table(), entry.id(), event);
            }
        });
    }

    /** Queues a message for delivery, after every change and message handed over before it. */
    void deliver(String table, String id, Event event) {
        queue(() -> offer(table, id, event));
    }

    private void queue(Runnable delivering) {
        try {
            delivery.execute(delivering);
        } catch (RejectedExecutionException closed) {
            // the database is closing: its subscriptions end with it, and the write stays durable
        }
    }

    /** @return completes once everything handed over before this call has been delivered */
    CompletableFuture<Void> delivered() {
        return CompletableFuture.runAsync(() -> { }, delivery);
    }

    /** Stops delivering; what is queued is dropped with the subscriptions. */
    @Override
    public void close() {
        delivery.shutdownNow();
    }

    private void offer(String table, String id, Event event) {
        Set<QueueSubscription> ofRecord = byRecord.getOrDefault(recordKey(table, id), Set.of());
        Set<QueueSubscription> ofTable = byTable.getOrDefault(table, Set.of());
        ofRecord.forEach(s -> s.offer(event));
        ofTable.forEach(s -> s.offer(event));
        TableStats.Counters counters = counters(table);
        counters.eventsOut.add(ofRecord.size() + ofTable.size());
        if (!(event instanceof Event.Message)) {
            counters.writes.increment();
        }
    }

    /** Adds a subscription to one record, or to the whole table when {@code id} is null. */
    void add(String table, String id, QueueSubscription subscription) {
        if (index(id).computeIfAbsent(key(table, id), k -> ConcurrentHashMap.newKeySet()).add(subscription)) {
            counters(table).subscribers.incrementAndGet();
        }
    }

    void remove(String table, String id, QueueSubscription subscription) {
        index(id).computeIfPresent(key(table, id), (k, set) -> {
            if (set.remove(subscription)) {
                counters(table).subscribers.decrementAndGet();
            }
            return set.isEmpty() ? null : set;
        });
    }

    /** A table's counters (made on first use). */
    TableStats.Counters counters(String table) {
        return stats.computeIfAbsent(table, t -> new TableStats.Counters());
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
