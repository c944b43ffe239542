package pier.studio;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.is;

import java.util.Map;

import org.junit.jupiter.api.Test;

import pier.client.ServerMetrics;

class MetricRatesTest {

    @Test
    void ratesAndMeansComeFromTwoReadings() {
        MetricRates rates = new MetricRates();
        assertThat(rates.next(reading(100, 10, 0.020), 0).perSecond("pier_table_writes_total", "table"), is(Map.of()));
        MetricRates.Reading second = rates.next(reading(300, 30, 0.060), 2_000_000_000L);
        assertThat(second.perSecond("pier_table_writes_total", "table"), is(Map.of("Dog", 100.0)));
        assertThat(second.meanMillis("pier_store_batch_latency_seconds"), closeTo(2.0, 1e-9));
    }

    private static ServerMetrics reading(int writes, int batches, double seconds) {
        return ServerMetrics.parse("pier_table_writes_total{scope=\"application\",table=\"Dog\",} " + writes + ".0\n"
                + "pier_store_batch_latency_seconds_count{scope=\"application\",} " + batches + ".0\n"
                + "pier_store_batch_latency_seconds_sum{scope=\"application\",} " + seconds + "\n");
    }
}
