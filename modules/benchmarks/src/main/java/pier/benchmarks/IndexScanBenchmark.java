package pier.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ArrayNode;
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

/**
 * Queries on a table of {@value #RECORDS} records in a real MapDB store: index equality and ranges,
 * an intersection, a sort that walks an index, and a full scan for comparison. Each answer is counted
 * to the last record, as a client reading the whole response would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
public class IndexScanBenchmark {

    static final int RECORDS = 100_000;

    @Param({"group=g7", "value=ge=5000&value=lt=5100", "group=g7&value=lt=50000", "sort(-value)&limit(10)",
        "id=ge=500&id=lt=600", "note=n5000"})
    public String query;

    private BenchDatabase db;
    private Resource readings;
    private Request request;

    /**
     * Fills a fresh store.
     *
     * @throws IOException when the temporary folder cannot be made
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        db = new BenchDatabase("""
                type Reading @table @export { id: Int @primaryKey  value: Int @indexed  group: String @indexed
                                              note: String }
                """);
        readings = db.table("Reading");
        for (int start = 0; start < RECORDS; start += 10_000) {
            ArrayNode chunk = JsonNodeFactory.instance.arrayNode();
            for (int i = start; i < start + 10_000; i++) {
                chunk.addObject().put("id", i).put("value", i).put("group", "g" + (i % 1000)).put("note", "n" + i);
            }
            readings.putAll(Request.of(Principal.ANONYMOUS, null).withContent(new Content.Structured(chunk)));
        }
        request = Request.of(Principal.ANONYMOUS, null).withQuery(Query.parse(query));
    }

    /** Closes and deletes the store. */
    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
    }

    /** @return how many records the query returned, each decoded */
    @Benchmark
    public long query() {
        try (var records = readings.list(request).records()) {
            return records.mapToInt(r -> r.value().size()).sum();
        }
    }
}
