package pier.client;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reading of a server's metrics ({@code GET /observe/metrics}, the Prometheus text format): each
 * sample by its name and its labels other than Helidon's {@code scope}.
 */
public final class ServerMetrics {

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)})? "
            + "([-+0-9.eE]+|NaN|[+-]Inf)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    // name → (labels, as "k=v,…" in the order given, without scope) → value
    private final Map<String, Map<String, Double>> samples;

    private ServerMetrics(Map<String, Map<String, Double>> samples) {
        this.samples = samples;
    }

    /**
     * Reads the Prometheus text format.
     *
     * @param text the exposition
     * @return the samples
     */
    public static ServerMetrics parse(String text) {
        Map<String, Map<String, Double>> samples = new HashMap<>();
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            StringBuilder labels = new StringBuilder();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    if (!label.group(1).equals("scope")) {
                        labels.append(labels.isEmpty() ? "" : ",").append(label.group(1)).append('=').append(label.group(2));
                    }
                }
            }
            samples.computeIfAbsent(sample.group(1), name -> new HashMap<>()).put(labels.toString(),
                    Double.parseDouble(sample.group(3).replace("Inf", "Infinity")));
        }
        return new ServerMetrics(samples);
    }

    /**
     * A sample without labels (or the sum over its labels when it has some).
     *
     * @param name the metric's name, as exposed ({@code memory_usedHeap_bytes})
     * @return the value; 0 when it is not exposed
     */
    public double value(String name) {
        return samples.getOrDefault(name, Map.of()).values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * The samples of a metric by the value of one label.
     *
     * @param name  the metric's name
     * @param label the label ({@code protocol}, {@code table})
     * @return the values by label value
     */
    public Map<String, Double> byLabel(String name, String label) {
        Map<String, Double> values = new HashMap<>();
        String prefix = label + "=";
        samples.getOrDefault(name, Map.of()).forEach((labels, value) -> {
            for (String pair : labels.split(",")) {
                if (pair.startsWith(prefix)) {
                    values.merge(pair.substring(prefix.length()), value, Double::sum);
                }
            }
        });
        return values;
    }
}
