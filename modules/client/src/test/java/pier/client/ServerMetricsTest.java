package pier.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ServerMetricsTest {

    private static final String TEXT = """
            # HELP pier_table_writes_total changes committed
            # TYPE pier_table_writes_total counter
            pier_table_writes_total{scope="application",table="Dog",} 12.0
            pier_table_writes_total{scope="application",table="Cat",} 3.0
            memory_usedHeap_bytes{scope="base",} 4.2E7
            pier_store_commit_seconds_bucket{scope="application",le="+Inf",} 5.0
            pier_store_commit_seconds_sum{scope="application",} 0.0125
            """;

    @Test
    void readsSamplesByNameAndLabel() {
        ServerMetrics metrics = ServerMetrics.parse(TEXT);
        assertThat(metrics.byLabel("pier_table_writes_total", "table"), is(Map.of("Dog", 12.0, "Cat", 3.0)));
        assertThat(metrics.value("pier_table_writes_total"), is(15.0));
        assertThat(metrics.value("memory_usedHeap_bytes"), is(4.2e7));
        assertThat(metrics.value("pier_store_commit_seconds_sum"), is(0.0125));
        assertThat(metrics.value("pier_store_commit_seconds_bucket"), is(5.0));
        assertThat(metrics.value("not_there"), is(0.0));
    }
}
