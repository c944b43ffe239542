package pier.engine;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import pier.codec.Codec;
import pier.codec.CodecRegistry;
import pier.resource.ResourceRegistry;
import pier.store.Store;

/**
 * The database: the tables of a schema over a store, their change feed and the fan-out to
 * subscribers. Exported tables are registered as resources under their export names.
 */
public final class Database implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    /** The name of the system table that keeps the retained messages of plain MQTT topics. */
    public static final String MQTT_RETAINED = "$mqtt_retained";
    /** The name of the system table that keeps durable MQTT sessions. */
    public static final String MQTT_SESSIONS = "$mqtt_sessions";

    // tables of the server's own, never exported: their names start with '$', which no schema type has
    private static final Schema SYSTEM = Schema.parse("system tables", """
            type MqttRetained @table(table: "$mqtt_retained") { topic: ID @primaryKey  message: Any }
            type MqttSession @table(table: "$mqtt_sessions") { clientId: ID @primaryKey  session: Any }
            """);

    private final Store store;
    private final Codec cbor;
    private final Fanout fanout;
    private final Sequencer sequencer;
    private final ChangeFeed feed;
    private final List<Table> tables;
    private final ScheduledExecutorService pruner;
    private final QueryStats.Counters queryCounters = new QueryStats.Counters();
    private final Readers readers = new Readers();

    private Database(Store store, Schema schema, Codec cbor, ChangeFeed.FeedRetention retention, LongSupplier clock) {
        this.store = store;
        this.cbor = cbor;
        this.fanout = new Fanout(cbor);
        this.sequencer = new Sequencer(store, cbor, fanout, clock);
        this.feed = new ChangeFeed(store, sequencer, retention, clock);
        this.tables = java.util.stream.Stream.concat(schema.tables().stream(), SYSTEM.tables().stream())
                .map(definition -> new Table(definition, this)).toList();
        Indexes.reconcile(store, tables.stream().map(Table::definition).toList(), cbor, sequencer::count);
        this.pruner = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("pier-feed-pruner")
                .daemon().factory());
        long every = retention.pruneInterval().toMillis();
        pruner.scheduleWithFixedDelay(this::prune, every, every, TimeUnit.MILLISECONDS);
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
        return open(store, schema, codecs, retention, Clock.systemUTC()::millis);
    }

    static Database open(Store store, Schema schema, CodecRegistry codecs, ChangeFeed.FeedRetention retention,
                         LongSupplier clock) {
        Codec cbor = codecs.forContentType("application/cbor")
                .orElseThrow(() -> new IllegalStateException("records are stored as CBOR, but no CBOR codec is installed"));
        return new Database(store, schema, cbor, retention, clock);
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
            table.definition().exportName().ifPresent(name -> registry.register(name, table));
        }
    }

    /**
     * A system table, as a resource for the server's own protocols.
     *
     * @param name its name, e.g. {@link #MQTT_RETAINED}
     * @return the table
     */
    public pier.resource.Resource systemTable(String name) {
        return tables.stream().filter(t -> t.definition().name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no system table " + name));
    }

    /**
     * Appends a message that is no record's change to the feed, durably.
     *
     * @param stream the name its entries carry as their table (e.g. {@code $mqtt})
     * @param id     what it is addressed to (e.g. a topic)
     * @param body   the message
     * @return its feed position
     * @throws pier.resource.ResourceException of kind {@code UNAVAILABLE} when it cannot be made durable
     */
    public long appendMessage(String stream, String id, com.fasterxml.jackson.databind.JsonNode body) {
        try {
            return sequencer.appendMessage(stream, id, body).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new pier.resource.ResourceException(pier.resource.ResourceException.Kind.UNAVAILABLE,
                    "the message could not be made durable: " + e.getCause().getMessage(), null, e.getCause());
        }
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
