package pier.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.query.Query;
import pier.resource.Content;
import pier.resource.Event;
import pier.resource.Listing;
import pier.resource.Permission;
import pier.resource.Record;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;
import pier.store.StoreException;

/** A table as a resource: records by id, the collection, and subscriptions to either. */
final class Table implements Resource {

    private final TableDefinition definition;
    private final Database database;
    private final Keys keys;
    private final RecordBodies bodies;
    private final QueryPlanner planner;
    private final QueryCheck check;
    private final AttributeGuard attributes;
    private final TableStats.Counters counters;
    private final Joins joins;
    private final TableBlobs blobs;
    private final TableSubscriptions subscriptions;

    Table(TableDefinition definition, Database database) {
        this.definition = definition;
        this.database = database;
        this.keys = new Keys(definition);
        this.bodies = new RecordBodies(definition, keys);
        this.counters = database.fanout().counters(definition.name());
        this.planner = new QueryPlanner(definition, keys, database.store(), database.cbor(), database.queryCounters(),
                counters, database::now);
        this.check = new QueryCheck(definition);
        this.attributes = new AttributeGuard(database::access, exportName());
        this.joins = new Joins(definition, database);
        this.blobs = new TableBlobs(this, database, attributes);
        this.subscriptions = new TableSubscriptions(this, database, planner, new Replays(this, database));
    }

    TableDefinition definition() {
        return definition;
    }

    Keys keys() {
        return keys;
    }

    /** The record as stored, without decoding its body. */
    Optional<StoredRecord> stored(String id) {
        return database.store().get(Database.tableMap(definition), keys.encode(id)).map(StoredRecord::decode);
    }

    @Override
    public JsonNode describe(Request request) {
        ObjectNode description = JsonNodeFactory.instance.objectNode().put("name", definition.name());
        description.put("primaryKey", definition.primaryKey().name());
        description.put("sealed", definition.sealed());
        ArrayNode attributes = description.putArray("attributes");
        definition.attributes().values().forEach(a -> {
            ObjectNode attribute = attributes.addObject().put("name", a.name()).put("type", TypeNames.of(a.type()))
                    .put("indexed", a.indexed()).put("required", a.type().required());
            if (a.type() instanceof AttributeType.Joined joined) {
                ObjectNode relationship = attribute.putObject("relationship").put("table", joined.table());
                joined.from().ifPresent(from -> relationship.put("from", from));
                joined.to().ifPresent(to -> relationship.put("to", to));
            }
        });
        description.put("records", database.sequencer().count(definition));
        return description;
    }

    @Override
    public Record get(Request request) {
        if (request.id().isEmpty()) {
            return Record.message(definition.name(), new pier.resource.Content.Structured(describe(request)));
        }
        String id = request.requiredId();
        counters.reads.increment();
        Query query = attributes.checked(request.principal(), check.selectOnly(request.query(), "a record"));
        Set<String> joined = joins.selected(query);
        return visible(request.principal(), id).map(record -> joins.joined(request.principal(), record, joined))
                .orElseThrow(() -> ResourceException.notFound("no record " + id + " in " + definition.name()));
    }

    /** A record as the caller sees it: not expired, without the attributes it may not read. */
    Optional<Record> visible(pier.resource.Principal principal, String id) {
        return stored(id).filter(record -> !record.expired(database.now())).map(record -> shown(principal,
                record.toRecord(id, database.cbor())));
    }

    /** A record without the attributes the caller may not read. */
    Record shown(pier.resource.Principal principal, Record record) {
        return attributes.shown(principal, record);
    }

    @Override
    public Record putBlob(Request request, String attribute, String contentType, java.io.InputStream bytes) {
        String id = request.requiredId();
        JsonNode reference = blobs.upload(request, attribute, contentType, bytes);
        return single(records(write(view -> {
            Optional<StoredRecord> current = checked(request, view.current(definition, id, keys.encode(id)));
            JsonNode previous = current.filter(r -> !r.opaque()).map(this::body).orElseThrow(() ->
                    ResourceException.notFound("no record " + id + " in " + definition.name()));
            return List.of(Mutation.put(definition, id, keys.encode(id), bodies.withBlob(id, previous, attribute,
                    reference, view.now()), false));
        })));
    }

    @Override
    public pier.resource.Blob blob(Request request, String attribute) {
        return blobs.read(request, attribute);
    }

    @Override
    public Listing history(Request request) {
        counters.reads.increment();
        return subscriptions.history(request);
    }

    @Override
    public Listing list(Request request) {
        Query query = attributes.checked(request.principal(), check.attributes(request.query()));
        counters.reads.increment();
        Set<String> joined = joins.selected(query);
        Query planned = joins.planned(request.principal(), query);
        long position = database.sequencer().position();
        return new Listing(position, planner.execute(planned).map(row -> joins.joined(request.principal(),
                attributes.shown(request.principal(), row.record()), joined)));
    }

    @Override
    public Record put(Request request) {
        return done(putAsync(request));
    }

    @Override
    public CompletableFuture<Record> putAsync(Request request) {
        String id = request.requiredId();
        Content content = request.content().orElseThrow(() -> ResourceException.badRequest("PUT needs a body", null));
        return writeAsync(view -> {
            Optional<StoredRecord> current = checked(request, view.current(definition, id, keys.encode(id)));
            Permission permission = requireWrite(request, current, given(content));
            JsonNode previous = current.map(this::body).orElse(null);
            return List.of(content instanceof Content.Opaque opaque
                    ? Mutation.put(definition, id, keys.encode(id), bodies.opaque(id, opaque, previous, view.now()), true)
                    : Mutation.put(definition, id, keys.encode(id), attributes.kept(request.principal(), permission,
                    bodies.replace(id, content, previous, view.now()), previous), false));
        }).thenApply(entries -> single(records(entries)));
    }

    @Override
    public List<Record> putAll(Request request) {
        Content content = request.content().orElseThrow(() -> ResourceException.badRequest("PUT needs a body", null));
        if (!(content instanceof Content.Structured(JsonNode value)) || !value.isArray()) {
            throw ResourceException.badRequest("PUT to a collection needs an array of records", null);
        }
        return records(write(view -> {
            List<Mutation> mutations = new ArrayList<>();
            int index = 0;
            for (JsonNode element : value) {
                String at = "[" + index++ + "]";
                JsonNode key = element.get(definition.primaryKey().name());
                if (key == null || key.isNull()) {
                    throw ResourceException.badRequest("record " + at + " has no " + definition.primaryKey().name(),
                            at);
                }
                mutations.add(atIndex(at, () -> {
                    String id = keys.idOf(key);
                    Optional<StoredRecord> current = view.current(definition, id, keys.encode(id));
                    Permission permission = requireWrite(request, current, element);
                    JsonNode previous = current.map(this::body).orElse(null);
                    return Mutation.put(definition, id, keys.encode(id), attributes.kept(request.principal(), permission,
                            bodies.replace(id, new Content.Structured(element), previous, view.now()), previous), false);
                }));
            }
            return mutations;
        }));
    }

    // a refused record of a collection PUT is named by its index, before the attribute at fault
    private static Mutation atIndex(String at, java.util.function.Supplier<Mutation> mutation) {
        try {
            return mutation.get();
        } catch (ResourceException e) {
            throw new ResourceException(e.kind(), "record " + at + ": " + e.getMessage(),
                    at + e.pointer().map(pointer -> "/" + pointer).orElse(""), e);
        }
    }

    @Override
    public Record patch(Request request) {
        String id = request.requiredId();
        Content content = request.content().orElseThrow(() -> ResourceException.badRequest("PATCH needs a body",
                null));
        return single(records(write(view -> {
            Optional<StoredRecord> current = checked(request, view.current(definition, id, keys.encode(id)));
            requireWrite(request, current, given(content));
            JsonNode previous = current.filter(r -> !r.opaque()).map(this::body).orElse(null);
            return List.of(Mutation.put(definition, id, keys.encode(id), bodies.merge(id, content, previous,
                    view.now()), false));
        })));
    }

    @Override
    public Record post(Request request) {
        Content content = request.content().orElseThrow(() -> ResourceException.badRequest("POST needs a body", null));
        ObjectNode given = RecordBodies.structured(content);
        attributes.checkWrite(request.principal(), Permission.INSERT, given);
        JsonNode key = given.get(definition.primaryKey().name());
        return single(records(write(view -> {
            String id = key != null && !key.isNull() ? keys.idOf(key) : newId(view);
            // POST creates: it never replaces, whoever asks (insert is all it needs, and all it does)
            if (view.current(definition, id, keys.encode(id)).isPresent()) {
                throw new ResourceException(ResourceException.Kind.CONFLICT, "record " + id + " exists: POST creates "
                        + "records, PUT replaces them", definition.primaryKey().name(), null);
            }
            return List.of(Mutation.put(definition, id, keys.encode(id), bodies.replace(id, content, null,
                    view.now()), false));
        })));
    }

    @Override
    public void delete(Request request) {
        done(deleteAsync(request));
    }

    @Override
    public CompletableFuture<Void> deleteAsync(Request request) {
        String id = request.requiredId();
        return writeAsync(view -> checked(request, view.current(definition, id, keys.encode(id))).isPresent()
                ? List.of(Mutation.delete(definition, id, keys.encode(id))) : List.<Mutation>of())
                .thenApply(entries -> null);
    }

    @Override
    public long deleteAll(Request request) {
        Query query = check.conditionOnly(request.query(), "DELETE");
        return write(view -> {
            // what is written but not yet durable is not in the indexes: look at it too
            Set<String> ids = new LinkedHashSet<>(view.pendingIds(definition));
            try (var candidates = planner.candidateKeys(query.filter())) {
                candidates.forEach(key -> ids.add(keys.decode(key)));
            }
            List<Mutation> deletions = new ArrayList<>();
            for (String id : ids) {
                byte[] key = keys.encode(id);
                view.current(definition, id, key).filter(r -> query.filter().isEmpty() || query.matches(
                        r.toRecord(id, database.cbor()).value())).ifPresent(r -> deletions.add(Mutation.delete(
                        definition, id, key)));
            }
            return deletions;
        }).size();
    }

    @Override
    public void publish(Request request) {
        Content message = request.content().orElseThrow(() -> ResourceException.badRequest(
                "a message needs a body", null));
        // without an id the message is the table's own (MQTT topic T): its id is empty, and it reaches the
        // subscribers of the whole table
        String id = request.id().orElse("");
        if (!id.isEmpty()) {
            keys.encode(id);
        }
        deliver(id, message);
        database.relay(definition, id, message);
    }

    /** A message to the record's (or, with an empty id, the table's) subscribers on this node. */
    void deliver(String id, Content message) {
        database.fanout().deliver(definition.name(), id, new Event.Message(Record.message(id, message),
                database.sequencer().position()));
    }

    /** The default stream of events, and what the client sends published as messages to the record. */
    @Override
    public pier.resource.Outgoing connect(Request request, pier.resource.Incoming incoming) {
        pier.resource.Outgoing outgoing = Resource.super.connect(request, incoming);
        if (request.id().isPresent()) {
            incoming.onMessage(message -> publish(request.withContent(message)));
        }
        return outgoing;
    }

    /**
     * A subscription, closed with a reason when its subscriber loses the right to read this table, without
     * the attributes the subscriber may not read.
     */
    @Override
    public Subscription subscribe(Request request, SubscribeOptions options) {
        QueueSubscription subscription = open(request, options);
        database.readers().watch(subscription, request.principal(), exportName());
        return attributes.shown(request.principal(), subscription);
    }

    @Override
    public void checkConnect(Request request) {
        if (request.id().isPresent()) {
            keys.encode(request.id().get());
            if (!request.query().isEmpty()) {
                throw ResourceException.badRequest("a live query subscribes to the collection (T/?query), not a "
                        + "record", "query");
            }
        } else if (!request.query().isEmpty()) {
            check.liveQuery(request.query());
        }
    }

    private QueueSubscription open(Request request, SubscribeOptions options) {
        checkConnect(request);
        if (request.id().isEmpty() && !request.query().isEmpty()) {
            if (request.replay().isPresent()) {
                throw ResourceException.badRequest("previousCount and startTime replay a record or a whole table, "
                        + "not a live query", "previousCount");
            }
            return subscriptions.live(joins.local(attributes.checked(request.principal(), check.liveQuery(
                    request.query()))), options);
        }
        return subscriptions.open(request.id().orElse(null), request.replay(), options);
    }

    private List<Record> records(List<FeedEntry> entries) {
        return entries.stream().map(e -> e.record().orElseThrow().toRecord(e.id(), database.cbor())).toList();
    }

    private List<FeedEntry> write(java.util.function.Function<Sequencer.View, List<Mutation>> plan) {
        return done(writeAsync(plan));
    }

    // sequenced now (a refused plan throws here), durable when the future completes
    private CompletableFuture<List<FeedEntry>> writeAsync(
            java.util.function.Function<Sequencer.View, List<Mutation>> plan) {
        return database.sequencer().write(plan).exceptionallyCompose(failure -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            return CompletableFuture.failedFuture(cause instanceof StoreException store
                    ? new ResourceException(ResourceException.Kind.UNAVAILABLE, "the write could not be made "
                    + "durable: " + store.getMessage(), null, store) : cause);
        });
    }

    private static <T> T done(CompletableFuture<T> write) {
        try {
            return write.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /**
     * A PUT or PATCH creates or changes: the registry's guard let it through with either right, and here,
     * where the write knows whether the record exists, the right one is required.
     */
    private Permission requireWrite(Request request, Optional<StoredRecord> current, JsonNode given) {
        Permission permission = current.isPresent() ? Permission.UPDATE : Permission.INSERT;
        database.access().require(request.principal(), exportName(), permission);
        attributes.checkWrite(request.principal(), permission, given);
        return permission;
    }

    private static JsonNode given(Content content) {
        return content instanceof Content.Structured(JsonNode value) ? value : null;
    }

    /** The name roles know the table by. */
    String exportName() {
        return definition.exportName().orElse(definition.name());
    }

    private Optional<StoredRecord> checked(Request request, Optional<StoredRecord> current) {
        request.condition().ifPresent(condition -> {
            if (!condition.allows(current.map(StoredRecord::version).orElse(null))) {
                throw new ResourceException(ResourceException.Kind.PRECONDITION_FAILED, "record " + request.id()
                        .orElse("") + " does not match If-Match", null, null);
            }
        });
        return current;
    }

    private JsonNode body(StoredRecord stored) {
        return database.cbor().decode(stored.body());
    }

    private String newId(Sequencer.View view) {
        for (int attempt = 0; ; attempt++) {
            String id = keys.random();
            if (view.current(definition, id, keys.encode(id)).isEmpty() || attempt > 100) {
                return id;
            }
        }
    }

    private static Record single(List<Record> records) {
        return records.getFirst();
    }
}
