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

    private final Store store;
    private final Codec cbor;
    private final Fanout fanout;
    private final Sequencer sequencer;
    private final ChangeFeed feed;
    private final List<Table> tables;
    private final ScheduledExecutorService pruner;
    private final QueryStats.Counters queryCounters = new QueryStats.Counters();

    private Database(Store store, Schema schema, Codec cbor, ChangeFeed.FeedRetention retention, LongSupplier clock) {
        this.store = store;
        this.cbor = cbor;
        this.fanout = new Fanout(cbor);
        this.sequencer = new Sequencer(store, cbor, fanout, clock);
        this.feed = new ChangeFeed(store, sequencer, retention, clock);
        Indexes.reconcile(store, schema.tables(), cbor, sequencer::count);
        this.tables = schema.tables().stream().map(definition -> new Table(definition, this)).toList();
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
     * Registers every exported table as a resource.
     *
     * @param registry the server's resources
     */
    public void exportTo(ResourceRegistry registry) {
        for (Table table : tables) {
            table.definition().exportName().ifPresent(name -> registry.register(name, table));
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

    /** Stops the background pruning; the store is closed by its owner. */
    @Override
    public void close() {
        pruner.shutdownNow();
    }

    Store store() {
        return store;
    }

    Codec cbor() {
        return cbor;
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
