package pier.benchmarks;

import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import pier.query.Query;

/**
 * Parsing a query and testing it on one record: the cost a full scan pays per record and a live
 * subscription pays per change.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class QueryEvaluationBenchmark {

    @Param({"name=Rex", "age=gt=3&age=lt=9", "(name=Rex|name=Bella)&owner.city=sw=Os", "tags=big", "name=ct=ex"})
    public String query;

    private Query parsed;
    private JsonNode record;

    /**
     * Parses the query and builds the record once.
     *
     * @throws JsonProcessingException never, the record is a constant
     */
    @Setup
    public void setUp() throws JsonProcessingException {
        parsed = Query.parse(query);
        record = new ObjectMapper().readTree("""
                {"id":1,"name":"Rex","age":4,"weight":20.5,"tags":["good","big"],"alive":true,
                 "owner":{"name":"Ann","city":"Oslo"},"breed":"labrador retriever"}
                """);
    }

    /** @return the parsed query */
    @Benchmark
    public Query parse() {
        return Query.parse(query);
    }

    /** @return whether the record matches */
    @Benchmark
    public boolean evaluate() {
        return parsed.matches(record);
    }
}
