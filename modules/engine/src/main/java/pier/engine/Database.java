package pier.engine;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import pier.codec.Codec;
import pier.codec.CodecRegistry;
import pier.resource.ResourceRegistry;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.SystemTables;
import pier.store.KeyRange;
import pier.store.Store;
import pier.store.StoreEntry;
import pier.store.WriteBatch;

/**
 * The database: the tables of a schema over a store, their change feed and the fan-out to
 * subscribers. Exported tables are registered as resources under their export names.
 */
public final class Database implements SystemTables, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    private static final Principal SERVER = new Principal("pier", true);
    private static final String RELAY_CHANNEL = "table";
    private static final String CBOR = "application/cbor";
    // before system tables were tables, a module kept its records in the store map "system/<name>"
    private static final String LEGACY_MAP_PREFIX = "system/";
    private static final long SWEEP_EVERY = 1_000;

    private final Store store;
    private final Codec cbor;
    private final Fanout fanout;
    private final Sequencer sequencer;
    private final ChangeFeed feed;
    private final List<Table> tables;
    private final ScheduledExecutorService pruner;
    private final LongSupplier clock;
    private final QueryStats.Counters queryCounters = new QueryStats.Counters();
    private final Readers readers = new Readers();
    private volatile pier.resource.MessageRelay relay = pier.resource.MessageRelay.NONE;

    private Database(Store store, Schema schema, List<Schema> system, Codec cbor, ChangeFeed.FeedRetention retention,
                     LongSupplier clock) {
        this.store = store;
        this.cbor = cbor;
        this.clock = clock;
        this.fanout = new Fanout(cbor);
        this.sequencer = new Sequencer(store, cbor, fanout, clock);
        this.feed = new ChangeFeed(store, sequencer, retention, clock, this::stored, this::forget);
        this.tables = java.util.stream.Stream.concat(schema.tables().stream(),
                system.stream().flatMap(s -> s.tables().stream())).map(definition -> new Table(definition, this)).toList();
        Indexes.reconcile(store, tables.stream().map(Table::definition).toList(), cbor, sequencer::count);
        ComputedAttributes.reconcile(store, tables.stream().map(Table::definition).toList(), cbor);
        Expiry.reconcile(store, tables.stream().map(Table::definition).toList(), cbor);
        Blobs.reconcile(store, tables.stream().map(Table::definition).toList(), cbor);
        system.stream().flatMap(s -> s.tables().stream()).forEach(this::adoptLegacyMap);
        this.pruner = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("pier-housekeeping")
                .daemon().factory());
        long every = retention.pruneInterval().toMillis();
        pruner.scheduleWithFixedDelay(this::prune, every, every, TimeUnit.MILLISECONDS);
        if (tables.stream().anyMatch(t -> t.definition().expires())) {
            pruner.scheduleWithFixedDelay(this::sweep, SWEEP_EVERY, SWEEP_EVERY, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Opens the database.
     *
     * @param store     the open store
     * @param schema    the tables
     * @param codecs    the codecs; CBOR must be among them (records are stored as CBOR)
     * @param retention how long the change feed is kept
     * @return the database
     */
    public static Database open(Store store, Schema schema, CodecRegistry codecs, ChangeFeed.FeedRetention retention) {
        return open(store, schema, List.of(), codecs, retention);
    }

    /**
     * Opens the database with the system tables that the server's modules declared.
     *
     * @param store        the open store
     * @param schema       the tables
     * @param systemTables schemas of system tables (each module's own, e.g. users and roles, MQTT's
     *                     sessions): never exported, their names start with {@code $}; reach them with
     *                     {@link #systemTable(String)}
     * @param codecs       the codecs; CBOR must be among them (records are stored as CBOR)
     * @param retention    how long the change feed is kept
     * @return the database
     * @throws SchemaException when a system table's name does not start with {@code $}
     */
    public static Database open(Store store, Schema schema, List<String> systemTables, CodecRegistry codecs,
                                ChangeFeed.FeedRetention retention) {
        return open(store, schema, systemTables, codecs, retention, Clock.systemUTC()::millis);
    }

    static Database open(Store store, Schema schema, List<String> systemTables, CodecRegistry codecs,
                         ChangeFeed.FeedRetention retention, LongSupplier clock) {
        Codec cbor = codecs.forContentType("application/cbor")
                .orElseThrow(() -> new IllegalStateException("records are stored as CBOR, but no CBOR codec is installed"));
        List<Schema> system = systemTables.stream().map(sdl -> Schema.parse("system tables", sdl)).toList();
        system.stream().flatMap(s -> s.tables().stream()).filter(t -> !t.name().startsWith("$")).findFirst()
                .ifPresent(t -> {
                    throw new SchemaException("system tables", List.of("table " + t.name()
                            + ": a system table's name starts with $"));
                });
        return new Database(store, schema, system, cbor, retention, clock);
    }

    // a pruned change of an audited table leaves its record's history
    private void forget(pier.store.WriteBatch.Builder batch, FeedEntry change) {
        table(change.table()).filter(t -> t.definition().audit()).ifPresent(t -> History.forget(batch, t.definition(),
                t.keys().encode(change.id()), change.sequence()));
    }

    private Optional<StoredRecord> stored(String table, String id) {
        return table(table).flatMap(t -> t.stored(id));
    }

    Optional<Table> table(String name) {
        return tables.stream().filter(t -> t.definition().name().equals(name)).findFirst();
    }

    /**
     * Registers every exported table as a resource, under the registry's access control.
     *
     * @param registry the server's resources
     */
    public void exportTo(ResourceRegistry registry) {
        // the registry's guard checks every call; the tables refine insert against update and close the
        // subscriptions of readers who lose their right
        readers.enforce(registry.access());
        for (Table table : tables) {
            table.definition().export().ifPresent(export -> registry.register(export.name(), table, export.on()));
        }
    }

    @Override
    public pier.resource.Resource systemTable(String name) {
        return table(name).orElseThrow(() -> new IllegalArgumentException("no system table " + name));
    }

    @Override
    public long append(String stream, String id, com.fasterxml.jackson.databind.JsonNode body) {
        try {
            return sequencer.appendMessage(stream, id, body).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new pier.resource.ResourceException(pier.resource.ResourceException.Kind.UNAVAILABLE,
                    "the message could not be made durable: " + e.getCause().getMessage(), null, e.getCause());
        }
    }

    @Override
    public long position() {
        return feed.position();
    }

    @Override
    public java.util.stream.Stream<LoggedMessage> messagesAfter(String stream, long position) {
        return feed.after(position).filter(e -> e.kind() == FeedEntry.Kind.MESSAGE && e.table().equals(stream))
                .map(e -> new LoggedMessage(e.sequence(), e.id(), cbor.decode(e.record().orElseThrow().body())));
    }

    /**
     * The change feed.
     *
     * @return the feed
     */
    public ChangeFeed feed() {
        return feed;
    }

    /**
     * What each table of the schema has done so far (system tables left out).
     *
     * @return a snapshot of each table's counters, by table name
     */
    public java.util.Map<String, TableStats> tableStats() {
        java.util.Map<String, TableStats> stats = new java.util.LinkedHashMap<>();
        for (Table table : tables) {
            if (!table.definition().name().startsWith("$")) {
                stats.put(table.definition().name(), tableStats(table.definition().name()));
            }
        }
        return stats;
    }

    /**
     * What one table has done so far.
     *
     * @param table the table's name
     * @return a snapshot of its counters
     */
    public TableStats tableStats(String table) {
        return fanout.counters(table).snapshot();
    }

    /**
     * What queries have cost so far.
     *
     * @return a snapshot of the counters
     */
    public QueryStats queryStats() {
        return queryCounters.snapshot();
    }

    /** Stops the background pruning and the delivery to subscribers; the store is closed by its owner. */
    @Override
    public void close() {
        pruner.shutdownNow();
        fanout.close();
    }

    List<Table> tables() {
        return tables;
    }

    /**
     * Makes this database a node of a cluster: its changes carry the node's id, deletions leave
     * tombstones, and the feed keeps what is not shipped yet.
     *
     * @param node        this node's id
     * @param localTables tables that stay on this node (e.g. durable MQTT sessions)
     * @return the node's side of replication
     */
    public Replication replicate(String node, java.util.Set<String> localTables) {
        sequencer.origin(node);
        Replication replication = new Replication(this, node, localTables);
        feed.holdFrom(() -> replication.shipped() + 1);
        return replication;
    }

    /**
     * Sends the messages published to records to the other nodes, and delivers theirs here.
     *
     * @param messages the cluster's relay
     */
    public void relay(pier.resource.MessageRelay messages) {
        relay = messages;
        messages.receive(RELAY_CHANNEL, this::deliverRelayed);
    }

    // a table's message to the other nodes: "<table>/<id>", or the table's name alone; CBOR when structured
    void relay(TableDefinition table, String id, pier.resource.Content message) {
        if (relay == pier.resource.MessageRelay.NONE) {
            return;
        }
        boolean opaque = message instanceof pier.resource.Content.Opaque;
        relay.send(new pier.resource.MessageRelay.Relayed(RELAY_CHANNEL, id.isEmpty() ? table.name()
                : table.name() + '/' + id, 1, false,
                Optional.of(opaque ? ((pier.resource.Content.Opaque) message).contentType() : CBOR),
                opaque ? ((pier.resource.Content.Opaque) message).data()
                        : cbor.encode(((pier.resource.Content.Structured) message).value())));
    }

    // a table's message from another node: "<table>/<id>", or the table's name alone
    private void deliverRelayed(pier.resource.MessageRelay.Relayed message) {
        int slash = message.topic().indexOf('/');
        String name = slash < 0 ? message.topic() : message.topic().substring(0, slash);
        String id = slash < 0 ? "" : message.topic().substring(slash + 1);
        table(name).ifPresent(table -> table.deliver(id, message.contentType()
                .filter(type -> !type.equals(CBOR)).<pier.resource.Content>map(type ->
                        new pier.resource.Content.Opaque(type, message.payload()))
                .orElseGet(() -> new pier.resource.Content.Structured(cbor.decode(message.payload())))));
    }

    Store store() {
        return store;
    }

    Codec cbor() {
        return cbor;
    }

    Readers readers() {
        return readers;
    }

    pier.resource.Access access() {
        return readers.access();
    }

    Fanout fanout() {
        return fanout;
    }

    QueryStats.Counters queryCounters() {
        return queryCounters;
    }

    Sequencer sequencer() {
        return sequencer;
    }

    static String tableMap(TableDefinition table) {
        return "table/" + table.name();
    }

    /** Where a table's deletions made in a cluster are remembered, with their stamps. */
    static String tombstoneMap(TableDefinition table) {
        return "tombstone/" + table.name();
    }

    // records of a system table kept as a bare store map by an older release move into the table, through
    // the write path (versioned, in the feed); a crash before the map entry is gone moves it again, unchanged
    private void adoptLegacyMap(TableDefinition table) {
        String legacy = LEGACY_MAP_PREFIX + table.name().substring(1);
        List<StoreEntry> entries;
        try (var stream = store.scan(legacy, KeyRange.all())) {
            entries = stream.toList();
        }
        Table target = tables.stream().filter(t -> t.definition() == table).findFirst().orElseThrow();
        for (StoreEntry entry : entries) {
            String id = new String(entry.key(), java.nio.charset.StandardCharsets.UTF_8);
            target.put(Request.of(SERVER, id).withContent(new Content.Structured(cbor.decode(entry.value()))));
            store.commit(WriteBatch.builder().delete(legacy, entry.key()).build()).join();
        }
        if (!entries.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "moved {0} records of {1} into the system table {2}", entries.size(),
                    legacy, table.name());
        }
    }

    // expired records are gone from reads at once; the sweep deletes them durably soon after
    private void sweep() {
        for (Table table : tables) {
            if (table.definition().expires()) {
                try {
                    long deleted = Expiry.sweep(store, sequencer, table.definition(), table.keys(), clock.getAsLong());
                    if (deleted > 0) {
                        LOG.log(System.Logger.Level.DEBUG, "{0}: {1} records expired", table.definition().name(), deleted);
                    }
                } catch (RuntimeException e) {
                    // the next round tries again; a closed store ends with the database
                    LOG.log(System.Logger.Level.WARNING, "expiring records of " + table.definition().name()
                            + " failed: " + e.getMessage());
                }
            }
        }
    }

    /**
     * Binds the functions plugins provide to the computed attributes that name them, then computes those
     * attributes again for every record if the functions they name changed since the last start.
     *
     * @param functions the functions, by name
     * @throws SchemaException when a computed attribute names a function no plugin provides
     */
    public void useFunctions(Map<String, java.util.function.UnaryOperator<com.fasterxml.jackson.databind.JsonNode>>
                                     functions) {
        List<String> missing = new java.util.ArrayList<>();
        for (Table table : tables) {
            table.definition().attributes().values().forEach(attribute -> attribute.computed()
                    .filter(Expression.Call.class::isInstance).map(Expression.Call.class::cast).ifPresent(call -> {
                        if (functions.containsKey(call.name())) {
                            call.target().set(functions.get(call.name()));
                        } else {
                            missing.add(table.definition().name() + "." + attribute.name() + ": @computed(function: \""
                                    + call.name() + "\") names a function no plugin provides");
                        }
                    }));
        }
        if (!missing.isEmpty()) {
            throw new SchemaException("schema", missing);
        }
        ComputedAttributes.reconcile(store, tables.stream().map(Table::definition).toList(), cbor);
    }

    /** The wall clock, in milliseconds: what expiry is measured against. */
    long now() {
        return clock.getAsLong();
    }

    private void prune() {
        try {
            long pruned = feed.prune();
            if (pruned > 0) {
                LOG.log(System.Logger.Level.DEBUG, "pruned {0} feed entries", pruned);
            }
        } catch (RuntimeException e) {
            // the next round tries again; a closed store ends with the database
            LOG.log(System.Logger.Level.WARNING, "feed pruning failed: " + e.getMessage(), e);
        }
    }
}
