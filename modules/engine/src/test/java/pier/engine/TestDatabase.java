package pier.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import pier.codec.CodecLimits;
import pier.codec.CodecRegistry;
import pier.resource.Resource;
import pier.resource.ResourceRegistry;
import pier.store.Store;
import pier.store.Stores;

/** A database on a real MapDB store in a test folder; reopen it to test restarts. */
final class TestDatabase implements AutoCloseable {

    static final String SCHEMA = """
            type Dog @table @export {
              id: ID @primaryKey
              name: String @indexed
              age: Int @indexed
              tags: [String]
              owner: Owner
              created: Long @createdTime
              updated: Long @updatedTime
            }
            type Owner { name: String!  phone: String }
            type Counter @table(table: "counters") @export(name: "Count") @sealed { id: Int @primaryKey  count: Int }
            type Hidden @table { id: ID @primaryKey  secret: String }
            """;

    final CodecRegistry codecs = CodecRegistry.load(CodecLimits.DEFAULT);
    final Store store;
    final Database database;
    final ResourceRegistry resources = new ResourceRegistry();
    /** The database's clock, in milliseconds; tests move it forward. */
    final AtomicLong clock = new AtomicLong(System.currentTimeMillis());

    TestDatabase(Path folder) {
        this(folder, ChangeFeed.FeedRetention.DEFAULT);
    }

    TestDatabase(Path folder, ChangeFeed.FeedRetention retention) {
        this(folder, retention, SCHEMA);
    }

    TestDatabase(Path folder, String schema) {
        this(folder, ChangeFeed.FeedRetention.DEFAULT, schema);
    }

    TestDatabase(Path folder, ChangeFeed.FeedRetention retention, String schema) {
        store = Stores.open("mapdb", folder, pier.store.StoreOptions.DEFAULT);
        database = Database.open(store, Schema.parse("test.graphql", schema), java.util.List.of(), codecs, retention, clock::get);
        database.exportTo(resources);
    }

    Resource table(String name) {
        return resources.find(name).orElseThrow();
    }

    static ChangeFeed.FeedRetention retention(long entries, Duration age) {
        return new ChangeFeed.FeedRetention(entries, age, Duration.ofHours(1));
    }

    @Override
    public void close() {
        database.close();
        store.close();
    }
}
