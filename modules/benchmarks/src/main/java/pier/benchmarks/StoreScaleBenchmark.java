package pier.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * How the store's costs grow with its size, measured on a real server: loads records of 2 KB in bulk
 * PUTs of 1,000 up to a size, and at every step reports the bulk load rate, PUT throughput and
 * latency under {@code wrk} (small records to 1,000 ids), bytes on disk per byte of records, the
 * server's RSS, and the restart time after {@code kill -9}. Run
 * {@code java -cp modules/benchmarks/target/benchmarks.jar pier.benchmarks.StoreScaleBenchmark [options]}
 * from the project's folder; needs {@code wrk} (Debian's package).
 *
 * <p>Options: {@code --total-mb 2000}, {@code --step-mb 200}, {@code --wrk-seconds 40},
 * {@code --in-flight 2} (bulk PUTs sent before the first answer is awaited), {@code --work DIR}
 * (default: a new temporary folder), {@code --pier ./pier}.
 */
public final class StoreScaleBenchmark {

    private static final int RECORD_BYTES = 2_000;
    private static final int BULK = 1_000;
    private static final String SCHEMA = """
            type Doc @table @export {
              id: ID @primaryKey
              body: String
              n: Int
            }
            """;

    private final Path work;
    private final int inFlight;
    private final String body = "x".repeat(RECORD_BYTES);
    private final PierServer server;
    private String base;
    private String authorization;
    private long loaded;

    private StoreScaleBenchmark(Path work, String pier, int inFlight) {
        this.work = work;
        this.inFlight = inFlight;
        this.server = new PierServer(work, pier, List.of());
    }

    public static void main(String[] args) throws Exception {
        long totalMb = Long.parseLong(option(args, "--total-mb", "2000"));
        long stepMb = Long.parseLong(option(args, "--step-mb", "200"));
        int wrkSeconds = Integer.parseInt(option(args, "--wrk-seconds", "40"));
        Path work = Path.of(option(args, "--work", Files.createTempDirectory("pier-store-scale").toString()));
        StoreScaleBenchmark benchmark = new StoreScaleBenchmark(work, option(args, "--pier", "./pier"),
                Integer.parseInt(option(args, "--in-flight", "2")));
        try {
            benchmark.run(totalMb << 20, stepMb << 20, wrkSeconds);
        } finally {
            benchmark.server.close();
        }
    }

    private void run(long total, long step, int wrkSeconds) throws Exception {
        try {
            new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("wrk is needed: apt-get install wrk", e);
        }
        Files.createDirectories(work);
        Files.writeString(work.resolve("schema.graphql"), SCHEMA);
        start();
        System.out.println("| records (MB) | bulk load (records/s) | PUT/s under wrk | p50 / p99 / max (ms) | wrk time-outs"
                + " | commits held by checkpoints (times, s) | disk / records | RSS (MB) | restart after kill -9 (s) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        while (loaded < total) {
            double rate = load(Math.min(step, total - loaded));
            Wrk wrk = wrk(wrkSeconds);
            String held = server.metric("pier_store_checkpoint_waits_total") + ", "
                    + server.metric("pier_store_checkpoint_wait_seconds_sum");
            double disk = (double) diskBytes() / loaded;
            long rss = PierServer.rssMb(server.pid());
            double restart = killAndRestart();
            System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %s / %s / %s | %d | %s | %.2f | %d | %.1f |%n",
                    loaded >> 20, rate, wrk.requestsPerSecond, wrk.p50, wrk.p99, wrk.max, wrk.timeouts, held, disk, rss,
                    restart);
        }
    }

    // several bulk PUTs in flight, so that the server always has the next one
    private double load(long bytes) throws Exception {
        long target = loaded + bytes;
        long started = System.nanoTime();
        long records = 0;
        java.util.ArrayDeque<CompletableFuture<HttpResponse<String>>> sent = new java.util.ArrayDeque<>();
        while (loaded < target) {
            if (sent.size() == inFlight) {
                check(sent.removeFirst().join());
            }
            sent.addLast(server.http().sendAsync(put(loaded / RECORD_BYTES), HttpResponse.BodyHandlers.ofString()));
            loaded += (long) BULK * RECORD_BYTES;
            records += BULK;
        }
        while (!sent.isEmpty()) {
            check(sent.removeFirst().join());
        }
        return records / ((System.nanoTime() - started) / 1e9);
    }

    private HttpRequest put(long first) {
        StringBuilder json = new StringBuilder(BULK * (RECORD_BYTES + 40)).append('[');
        for (long i = first; i < first + BULK; i++) {
            json.append(i == first ? "" : ",").append("{\"id\":\"doc").append(i).append("\",\"body\":\"").append(body)
                    .append("\",\"n\":").append(i).append('}');
        }
        return HttpRequest.newBuilder(URI.create(base + "/Doc/")).header("Authorization", authorization)
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(2))
                .PUT(HttpRequest.BodyPublishers.ofString(json.append(']').toString())).build();
    }

    private static void check(HttpResponse<String> response) {
        if (response != null && response.statusCode() / 100 != 2) {
            throw new IllegalStateException("bulk PUT answered " + response.statusCode() + ": " + response.body());
        }
    }

    private record Wrk(double requestsPerSecond, String p50, String p99, String max, long timeouts) {
    }

    private Wrk wrk(int seconds) throws Exception {
        Path script = work.resolve("put.lua");
        Files.writeString(script, """
                wrk.method = "PUT"
                wrk.headers["Content-Type"] = "application/json"
                wrk.headers["Authorization"] = "%s"
                request = function()
                  local id = math.random(1, 1000)
                  return wrk.format(nil, "/Doc/small" .. id, nil, '{"id":"small' .. id .. '","body":"small","n":' .. id .. '}')
                end
                """.formatted(authorization));
        Process wrk = new ProcessBuilder("wrk", "-t2", "-c50", "-d" + seconds + "s", "--timeout", "2s", "--latency",
                "-s", script.toString(), base).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        wrk.waitFor();
        return new Wrk(Double.parseDouble(find(output, "Requests/sec:\\s+([0-9.]+)", "0")),
                find(output, "Distribution\\s+50%\\s+(\\S+)", "?"), find(output, "\\s99%\\s+(\\S+)", "?"),
                find(output, "Latency\\s+\\S+\\s+\\S+\\s+(\\S+)", "?"),
                Long.parseLong(find(output, "timeout (\\d+)", "0")));
    }

    private static String find(String text, String regex, String otherwise) {
        return PierServer.find(text, regex, otherwise);
    }

    private long diskBytes() throws IOException {
        try (Stream<Path> files = Files.walk(server.data())) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    /** SIGKILL, then the time until the server answers again, and a check that the last record is there. */
    private double killAndRestart() throws Exception {
        server.kill();
        long started = System.nanoTime();
        start();
        double seconds = (System.nanoTime() - started) / 1e9;
        String last = "/Doc/doc" + (loaded / RECORD_BYTES - 1);
        HttpResponse<String> response = server.get(last);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("after kill -9, GET " + last + " answered " + response.statusCode());
        }
        return seconds;
    }

    private void start() throws Exception {
        server.start();
        base = server.base();
        authorization = server.authorization();
    }

    private static String option(String[] args, String name, String otherwise) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }
}
