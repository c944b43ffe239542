package pier.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.query.Query;
import pier.resource.Content;
import pier.resource.Event;
import pier.resource.Listing;
import pier.resource.Record;
import pier.resource.Replay;
import pier.resource.Request;
import pier.resource.ResourceException;

/**
 * What a table reads back from its change feed: the changes a subscriber missed (resuming after a feed
 * position), the changes a subscriber asks to replay ({@code previousCount}, {@code startTime}) and a
 * record's history. Each runs at a stable feed position, under the sequencer's lock where it feeds a
 * subscription.
 */
final class Replays {

    private final Table table;
    private final Database database;

    Replays(Table table, Database database) {
        this.table = table;
        this.database = database;
    }

    /** The changes after a position, when the feed still holds them all. */
    Optional<List<Event>> missed(String id, long after, long position) {
        if (after > position || database.feed().firstRetained() > after + 1 && after < position) {
            return Optional.empty();
        }
        try (var entries = database.feed().after(after)) {
            return Optional.of(entries.takeWhile(e -> e.sequence() <= position).filter(e -> concerns(e, id))
                    .map(e -> e.toEvent(database.cbor())).toList());
        }
    }

    /**
     * The changes a replay asks for, oldest first: the last few (of a record of an audited table, from its
     * history; else read back through the feed) or those since a time (found by a binary search of the feed).
     */
    List<Event> replayed(Replay replay, String id, long position) {
        if (replay.startTime().isPresent()) {
            long from = database.feed().firstAtOrAfter(replay.startTime().get().toEpochMilli(), position);
            try (var entries = database.feed().after(from - 1)) {
                return entries.takeWhile(e -> e.sequence() <= position).filter(e -> concerns(e, id))
                        .map(e -> e.toEvent(database.cbor())).toList();
            }
        }
        List<Event> latest;
        try (Stream<FeedEntry> newest = newestFirst(id, position)) {
            latest = new ArrayList<>(newest.limit(replay.previousCount()).map(e -> e.toEvent(database.cbor())).toList());
        }
        Collections.reverse(latest);
        return latest;
    }

    /** A record's changes, newest first, paged by {@code limit()}. */
    Listing history(Request request) {
        TableDefinition definition = table.definition();
        if (!definition.audit()) {
            throw ResourceException.badRequest("table " + definition.name() + " keeps no history: declare it with "
                    + "@table(audit: true)", "history");
        }
        Query query = request.query();
        if (query.filter().isPresent() || query.selection().isPresent() || !query.sort().isEmpty()) {
            throw ResourceException.badRequest("a history takes limit() only: " + query, "query");
        }
        String id = request.requiredId();
        long position = database.feed().position();
        Stream<Record> changes = newestFirst(id, position).map(e -> change(request, e));
        return new Listing(position, query.limit().map(l -> changes.skip(l.offset()).limit(l.count())).orElse(changes));
    }

    private Stream<FeedEntry> newestFirst(String id, long position) {
        TableDefinition definition = table.definition();
        if (id != null && definition.audit()) {
            return History.newestFirst(database.store(), definition, table.keys().encode(id))
                    .filter(sequence -> sequence <= position).map(database.feed()::at).flatMap(Optional::stream);
        }
        return database.feed().upTo(position).filter(e -> concerns(e, id));
    }

    private Record change(Request request, FeedEntry entry) {
        ObjectNode change = JsonNodeFactory.instance.objectNode().put("sequence", entry.sequence())
                .put("version", entry.version())
                .put("time", Instant.ofEpochMilli(Sequencer.millisOf(entry.version())).toString())
                .put("type", entry.kind().name().toLowerCase(java.util.Locale.ROOT));
        entry.record().ifPresent(record -> change.set("value", table.shown(request.principal(),
                record.toRecord(entry.id(), database.cbor())).value()));
        return Record.message(entry.id(), new Content.Structured(change));
    }

    private boolean concerns(FeedEntry entry, String id) {
        return entry.kind() != FeedEntry.Kind.MESSAGE && entry.table().equals(table.definition().name())
                && (id == null || entry.id().equals(id));
    }
}
