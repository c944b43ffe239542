package pier.benchmarks;

import java.util.List;

/**
 * One load of {@link MqttLoadBenchmark}: publishers at a pace (0: as fast as their in-flight window
 * allows) to one topic, and subscribers of it at the publishers' QoS.
 *
 * @param name        a short name, for {@code --only}
 * @param description what the table says
 * @param topic       the topic (on Pier {@code Dog/bench} is a record of table {@code Dog})
 * @param qos         the QoS of publishes and subscriptions
 * @param retain      whether publishes are retained (on Pier: record writes)
 * @param publishers  how many publishing clients
 * @param subscribers how many subscribing clients
 * @param rate        messages per second per publisher, 0 for unpaced
 * @param seconds     how long the publishers publish
 */
record Scenario(String name, String description, String topic, int qos, boolean retain, int publishers,
                int subscribers, int rate, int seconds) {

    /** What runs before the measured scenarios, unreported, for the server's JIT compiler. */
    static List<Scenario> warmUp() {
        return List.of(new Scenario("warm-up", "records", "Dog/bench", 1, true, 1, 1, 5_000, 10),
                new Scenario("warm-up", "table topic", "Dog/bench", 1, false, 1, 1, 5_000, 10),
                new Scenario("warm-up", "fan-out", "bench/fan", 0, false, 1, 8, 2_000, 10),
                new Scenario("warm-up", "unpaced", "bench/many", 1, false, 2, 1, 0, 10));
    }

    static List<Scenario> all(int seconds) {
        return List.of(
                new Scenario("retained-1k", "QoS 1 retained to `Dog/bench` (record writes), 1 publisher at 1,000/s",
                        "Dog/bench", 1, true, 1, 1, 1_000, seconds),
                new Scenario("retained-5k", "the same at 5,000/s", "Dog/bench", 1, true, 1, 1, 5_000, seconds),
                new Scenario("table-1k", "QoS 1 to a table topic (not retained), 1,000/s", "Dog/bench", 1, false, 1,
                        1, 1_000, seconds),
                new Scenario("table-5k", "the same at 5,000/s", "Dog/bench", 1, false, 1, 1, 5_000, seconds),
                new Scenario("fanout-q0", "fan-out 1 → 8, QoS 0 at 2,000/s (CPU per delivery)", "bench/fan", 0,
                        false, 1, 8, 2_000, seconds),
                new Scenario("fanout-q1", "fan-out 1 → 8, QoS 1 at 2,000/s (CPU per delivery)", "bench/fan", 1,
                        false, 1, 8, 2_000, seconds),
                new Scenario("many-q1", "QoS 1, 4 publishers → 1 subscriber, unpaced", "bench/many", 1, false, 4, 1,
                        0, Math.max(5, seconds / 2)),
                new Scenario("many-q0", "QoS 0, 4 publishers → 1 subscriber, unpaced", "bench/many", 0, false, 4, 1,
                        0, Math.max(5, seconds / 2)));
    }
}
