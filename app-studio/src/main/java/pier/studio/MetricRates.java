package pier.studio;

import java.util.HashMap;
import java.util.Map;

import pier.client.ServerMetrics;

/** Rates out of counters: each reading of the metrics against the one before it. */
final class MetricRates {

    private ServerMetrics previous;
    private long previousNanos;

    /** What changed since the last reading, per second; the first reading has no rates. */
    Reading next(ServerMetrics metrics, long nanos) {
        Reading reading = new Reading(previous, metrics, (nanos - previousNanos) / 1e9);
        previous = metrics;
        previousNanos = nanos;
        return reading;
    }

    /** Two readings and the seconds between them. */
    record Reading(ServerMetrics before, ServerMetrics now, double seconds) {

        /** A counter's increase per second, by one label's value (a counter that restarted counts from 0). */
        Map<String, Double> perSecond(String counter, String label) {
            Map<String, Double> rates = new HashMap<>();
            if (before == null || seconds <= 0) {
                return rates;
            }
            Map<String, Double> old = before.byLabel(counter, label);
            now.byLabel(counter, label).forEach((value, count) -> {
                double was = old.getOrDefault(value, 0.0);
                rates.put(value, (count >= was ? count - was : count) / seconds);
            });
            return rates;
        }

        /** A histogram's mean of the values observed since the last reading, in milliseconds (0 when none). */
        double meanMillis(String histogram) {
            if (before == null) {
                return 0;
            }
            double count = now.value(histogram + "_count") - before.value(histogram + "_count");
            double sum = now.value(histogram + "_sum") - before.value(histogram + "_sum");
            return count > 0 ? sum / count * 1000 : 0;
        }
    }
}
