package pier.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import pier.codec.CodecLimits;
import pier.codec.CodecRegistry;
import pier.engine.ChangeFeed;
import pier.engine.Database;
import pier.engine.Schema;
import pier.query.Query;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceRegistry;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;
import pier.store.Store;
import pier.store.Stores;

/**
 * How long one durable write takes, as its writer waits for it, while subscribers listen: each
 * subscriber follows the written record (or, with {@code kind=liveQuery}, a live query that the record
 * matches) and is drained by a virtual thread of its own, as a connected client would be. A write's
 * latency should not grow with the number of subscribers: delivery happens after the commit, elsewhere.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
public class CommitLatencyBenchmark {

    @Param({"0", "1000", "10000"})
    public int subscribers;

    @Param({"record", "liveQuery"})
    public String kind;

    private Path folder;
    private Store store;
    private Database database;
    private Resource dogs;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private long written;

    /**
     * Opens a fresh store and subscribes.
     *
     * @throws IOException when the temporary folder cannot be made
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        folder = Files.createTempDirectory("pier-bench");
        store = Stores.open("mapdb", folder);
        database = Database.open(store, Schema.parse("bench.graphql", """
                type Dog @table @export { id: ID @primaryKey  name: String  age: Int @indexed }
                """), CodecRegistry.load(CodecLimits.DEFAULT), ChangeFeed.FeedRetention.DEFAULT);
        ResourceRegistry registry = new ResourceRegistry();
        database.exportTo(registry);
        dogs = registry.find("Dog").orElseThrow();
        Request listen = kind.equals("record") ? Request.of(Principal.ANONYMOUS, "7")
                : Request.of(Principal.ANONYMOUS, null).withQuery(Query.parse("age=ge=0"));
        SubscribeOptions options = new SubscribeOptions(1_000, SubscribeOptions.Overflow.DROP, false);
        for (int i = 0; i < subscribers; i++) {
            Subscription subscription = dogs.subscribe(listen, options);
            subscriptions.add(subscription);
            Thread.ofVirtual().start(() -> drain(subscription));
        }
    }

    /**
     * Ends the subscriptions, closes and deletes the store.
     *
     * @throws IOException when the folder cannot be deleted
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        subscriptions.forEach(Subscription::close);
        database.close();
        store.close();
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** @return the version the write got, once durable */
    @Benchmark
    public long write() {
        var body = JsonNodeFactory.instance.objectNode().put("name", "Rex").put("age", written++ % 20);
        return dogs.put(Request.of(Principal.ANONYMOUS, "7").withContent(new Content.Structured(body))).version();
    }

    private static void drain(Subscription subscription) {
        try {
            while (!subscription.isClosed()) {
                subscription.next(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
