package pier.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import pier.resource.Content;
import pier.resource.Event;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

/**
 * What expiring records costs as the table grows: tables of several sizes on a real MapDB store, each with
 * the same number of records due to expire together (an {@code @expiresAt} time a few seconds ahead) among
 * records that never do. Reports the process's CPU time until the sweep has deleted them all (one
 * subscriber counting the deletions), per thousand records expired, and the wall time from the first
 * deletion to the last. The sweep reads an index
 * ordered by expiry time, so the cost should follow what expires, not the table.
 * Run {@code java -cp modules/benchmarks/target/benchmarks.jar pier.benchmarks.ExpiryBenchmark [options]}.
 *
 * <p>Options: {@code --sizes 100000,1000000} (records in the table), {@code --expiring 100000} (of them,
 * due together).
 */
public final class ExpiryBenchmark {

    private static final String SCHEMA = """
            type Offer @table @export { id: Int @primaryKey  until: Date @expiresAt  price: Int  note: String }
            """;
    private static final int BULK = 5_000;
    private static final long LEAD_MILLIS = 2_000;
    private static final Duration WAIT = Duration.ofMinutes(2);

    private ExpiryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int expiring = Integer.parseInt(option(args, "--expiring", "100000"));
        measure(20_000, 10_000, false); // the JIT's warm-up, not reported
        System.out.println("| records in the table | expiring | CPU until deleted (ms) | CPU per 1,000 expired (ms)"
                + " | wall time (s) |");
        System.out.println("| --- | --- | --- | --- | --- |");
        for (String size : option(args, "--sizes", "100000,1000000").split(",")) {
            measure(Integer.parseInt(size), expiring, true);
        }
    }

    private static void measure(int size, int expiring, boolean report) throws Exception {
        try (BenchDatabase db = new BenchDatabase(SCHEMA)) {
            Resource offers = db.table("Offer");
            long loading = System.nanoTime();
            load(offers, 0, size - expiring, null);
            // at least 50 µs a record, when there were too few to tell
            double perRecord = Math.max(0.05, (System.nanoTime() - loading) / 1e6 / Math.max(1, size - expiring));
            // due once they are all written: twice the time they should take, and a little more
            long due = System.currentTimeMillis() + LEAD_MILLIS + (long) (2 * perRecord * expiring);
            load(offers, size - expiring, size, Instant.ofEpochMilli(due).toString());
            if (System.currentTimeMillis() > due) {
                throw new IllegalStateException("loading the expiring records took longer than the lead");
            }
            // the deletions themselves say when the sweep is done: a subscriber counts them (the wait before the
            // first, idle, costs no CPU)
            long cpu = processCpuNanos();
            long started = 0;
            try (Subscription deletions = offers.subscribe(Request.of(Principal.ANONYMOUS, null),
                    new SubscribeOptions(expiring + 16, SubscribeOptions.Overflow.CLOSE, false))) {
                for (int expired = 0; expired < expiring; ) {
                    Event event = deletions.next(WAIT).orElseThrow(() -> new IllegalStateException(
                            "no record expired within " + WAIT + " of the one before"));
                    if (event instanceof Event.Delete delete && delete.reason() == Event.Reason.EXPIRED
                            && expired++ == 0) {
                        started = System.nanoTime();
                    }
                }
            }
            double wall = (System.nanoTime() - started) / 1e9;
            double cpuMillis = (processCpuNanos() - cpu) / 1e6;
            if (count(offers) != size - expiring) {
                throw new IllegalStateException("the table holds " + count(offers) + " records, not " + (size - expiring));
            }
            if (report) {
                System.out.printf(Locale.ROOT, "| %,d | %,d | %.0f | %.1f | %.1f |%n", size, expiring, cpuMillis,
                        cpuMillis / (expiring / 1000.0), wall);
            }
        }
    }

    private static void load(Resource offers, int from, int to, String until) {
        for (int start = from; start < to; start += BULK) {
            ArrayNode bulk = JsonNodeFactory.instance.arrayNode();
            for (int id = start; id < Math.min(to, start + BULK); id++) {
                var offer = bulk.addObject().put("id", id).put("price", id % 100).put("note", "offer " + id);
                if (until != null) {
                    offer.put("until", until);
                }
            }
            offers.putAll(Request.of(Principal.ANONYMOUS, null).withContent(new Content.Structured(bulk)));
        }
    }

    private static long count(Resource offers) {
        return offers.describe(Request.of(Principal.ANONYMOUS, null)).get("records").asLong();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
