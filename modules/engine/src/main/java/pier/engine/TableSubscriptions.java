package pier.engine;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import pier.query.Query;
import pier.resource.Event;
import pier.resource.Listing;
import pier.resource.Replay;
import pier.resource.Request;
import pier.resource.SubscribeOptions;
import pier.store.KeyRange;

/**
 * Opens a table's subscriptions at a stable feed position, with what comes before the changes: the
 * current state (a record, every record, or what a live query matches), the changes a subscriber missed,
 * or a replay of history.
 */
final class TableSubscriptions {

    private final Table table;
    private final Database database;
    private final QueryPlanner planner;
    private final Replays replays;

    TableSubscriptions(Table table, Database database, QueryPlanner planner, Replays replays) {
        this.table = table;
        this.database = database;
        this.planner = planner;
        this.replays = replays;
    }

    /** A record's (or, with a null id, the table's) subscription. */
    QueueSubscription open(String id, Optional<Replay> replay, SubscribeOptions options) {
        return database.sequencer().atPosition((position, view) -> {
            Iterator<Event> state;
            if (replay.isPresent()) {
                state = replays.replayed(replay.get(), id, position).iterator();
            } else if (options.resumeAfter() >= 0) {
                // a resume position the feed no longer holds: say so, then the current state
                state = replays.missed(id, options.resumeAfter(), position).map(List::iterator).orElseGet(() ->
                        Stream.concat(Stream.<Event>of(new Event.Reset(position)), StreamSupport.stream(
                                Spliterators.spliteratorUnknownSize(current(view, id), Spliterator.ORDERED), false))
                                .iterator());
            } else {
                state = current(view, id);
            }
            return registered(id, new QueueSubscription(options, position, state,
                    s -> database.fanout().remove(table.definition().name(), id, s)));
        });
    }

    /** A live query's subscription: the matching records are read under the write lock, so that it knows what is inside it. */
    QueueSubscription live(Query query, SubscribeOptions options) {
        return database.sequencer().atPosition((position, view) -> {
            List<Event> matching;
            try (var rows = planner.execute(query)) {
                matching = rows.map(row -> (Event) new Event.Put(row.record())).toList();
            }
            Set<String> inside = new java.util.HashSet<>();
            matching.forEach(e -> inside.add(e.id()));
            return registered(null, new QueueSubscription(options, position, matching.iterator(),
                    s -> database.fanout().remove(table.definition().name(), null, s), new LiveQuery(query, inside)));
        });
    }

    Listing history(Request request) {
        return replays.history(request);
    }

    private QueueSubscription registered(String id, QueueSubscription subscription) {
        database.fanout().add(table.definition().name(), id, subscription);
        return subscription;
    }

    private Iterator<Event> current(Sequencer.View view, String id) {
        return id == null ? snapshot() : view.current(table.definition(), id, table.keys().encode(id))
                .map(r -> List.<Event>of(new Event.Put(r.toRecord(id, database.cbor()))).iterator())
                .orElse(java.util.Collections.emptyIterator());
    }

    private Iterator<Event> snapshot() {
        return database.store().scan(Database.tableMap(table.definition()), KeyRange.all()).flatMap(entry -> {
            StoredRecord stored = StoredRecord.decode(entry.value());
            return stored.expired(database.now()) ? Stream.<Event>empty() : Stream.<Event>of(new Event.Put(
                    stored.toRecord(table.keys().decode(entry.key()), database.cbor())));
        }).iterator();
    }
}
