package pier.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

import pier.query.Query;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

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

    private BenchDatabase db;
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
        db = new BenchDatabase("""
                type Dog @table @export { id: ID @primaryKey  name: String  age: Int @indexed }
                """);
        dogs = db.table("Dog");
        Request listen = kind.equals("record") ? Request.of(Principal.ANONYMOUS, "7")
                : Request.of(Principal.ANONYMOUS, null).withQuery(Query.parse("age=ge=0"));
        SubscribeOptions options = new SubscribeOptions(1_000, SubscribeOptions.Overflow.DROP, false);
        for (int i = 0; i < subscribers; i++) {
            Subscription subscription = dogs.subscribe(listen, options);
            subscriptions.add(subscription);
            Thread.ofVirtual().start(() -> drain(subscription));
        }
    }

    /** Ends the subscriptions, closes and deletes the store. */
    @TearDown(Level.Trial)
    public void tearDown() {
        subscriptions.forEach(Subscription::close);
        db.close();
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
