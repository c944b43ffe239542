package pier.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Pier's MQTT against a peer on this machine, in one run: the scenarios of the MQTT speed issue with
 * MQTT 5 clients (the HiveMQ client), 128-byte JSON payloads and up to 1,000 publishes in flight per
 * publisher; the server's CPU is read from {@code /proc}. Mosquitto (Debian's {@code mosquitto}) is
 * measured too when it is installed, and the table gives the ratios. Then REST reads of one record under
 * {@code wrk} (Debian's package), whose client threads share the machine's cores with the server. Run
 * {@code java -cp modules/benchmarks/target/benchmarks.jar pier.benchmarks.MqttLoadBenchmark [options]}
 * from the project's folder.
 *
 * <p>Options: {@code --seconds 20} per paced scenario, {@code --pier ./pier},
 * {@code --mosquitto /usr/sbin/mosquitto}, {@code --only NAME,...} (scenario names as printed, and
 * {@code rest} for REST reads under {@code wrk}, Pier alone),
 * {@code --work DIR} (default: a new temporary folder).
 */
public final class MqttLoadBenchmark {

    private static final String SCHEMA = """
            type Dog @table @export {
              id: ID @primaryKey
            }
            """;

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(option(args, "--seconds", "20"));
        Path work = Path.of(option(args, "--work", Files.createTempDirectory("pier-mqtt-load").toString()));
        String only = option(args, "--only", "");
        List<Scenario> scenarios = Scenario.all(seconds).stream()
                .filter(s -> only.isEmpty() || List.of(only.split(",")).contains(s.name())).toList();
        Map<String, Map<String, MqttLoad.Result>> results = new LinkedHashMap<>();
        Files.createDirectories(work);
        Files.writeString(work.resolve("schema.graphql"), SCHEMA);
        List<String> rest = new ArrayList<>();
        try (PierServer pier = new PierServer(work, option(args, "--pier", "./pier"), List.of())) {
            pier.start();
            results.put("Pier", run(scenarios, new MqttLoad.Target("127.0.0.1", pier.mqttPort(), pier.pid(), "admin",
                    pier.password()), () -> counters(pier)));
            if (only.isEmpty() || only.contains("rest")) {
                rest = restReads(pier, seconds);
            }
        }
        Path mosquitto = Path.of(option(args, "--mosquitto", "/usr/sbin/mosquitto"));
        if (Files.isExecutable(mosquitto)) {
            try (Mosquitto peer = Mosquitto.start(mosquitto, work.resolve("mosquitto"))) {
                results.put("Mosquitto", run(scenarios, new MqttLoad.Target("127.0.0.1", peer.port(), peer.pid(),
                        null, null), () -> new long[0]));
            }
        } else {
            System.out.println("(no " + mosquitto + ": apt-get install mosquitto to measure it beside Pier)");
        }
        print(scenarios, results);
        rest.forEach(System.out::println);
    }

    /** {@code GET /Dog/1} under {@code wrk} with 50 connections, with one and two client threads. */
    private static List<String> restReads(PierServer pier, int seconds) throws Exception {
        pier.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(pier.base() + "/Dog/1"))
                .header("Authorization", pier.authorization()).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"Rex\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        wrk(pier, 1, seconds); // warm-up
        List<String> rows = new ArrayList<>(List.of("", "| REST `GET /Dog/1`, 50 connections | requests/s | p50 | p99 "
                + "| max | server CPU-s per million |", "| --- | --- | --- | --- | --- | --- |"));
        for (int threads : new int[] {1, 2}) {
            double before = PierServer.cpuSeconds(pier.pid());
            String out = wrk(pier, threads, seconds);
            double cpu = PierServer.cpuSeconds(pier.pid()) - before;
            double rate = Double.parseDouble(PierServer.find(out, "Requests/sec:\\s+([0-9.]+)", "0"));
            rows.add(String.format(Locale.ROOT, "| wrk -t%d | %.0f | %s | %s | %s | %.1f |", threads, rate,
                    PierServer.find(out, "\\s50%\\s+(\\S+)", "?"), PierServer.find(out, "\\s99%\\s+(\\S+)", "?"),
                    PierServer.find(out, "Latency\\s+\\S+\\s+\\S+\\s+(\\S+)", "?"), cpu / (rate * seconds) * 1e6));
        }
        return rows;
    }

    private static String wrk(PierServer pier, int threads, int seconds) throws Exception {
        Process wrk = new ProcessBuilder("wrk", "-t" + threads, "-c50", "-d" + seconds + "s", "--latency", "-H",
                "Authorization: " + pier.authorization(), pier.base() + "/Dog/1").redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        wrk.waitFor();
        return out;
    }

    /** What the broker says it sent and dropped, and its store's batches and commits, since it started. */
    private interface Counters {
        long[] read() throws Exception;
    }

    private static long[] counters(PierServer pier) throws Exception {
        return new long[] {(long) Double.parseDouble(pier.metric("pier_mqtt_messages_sent_total")),
                (long) Double.parseDouble(pier.metric("pier_mqtt_messages_dropped_total")),
                (long) Double.parseDouble(pier.metric("pier_store_batches_total")),
                (long) Double.parseDouble(pier.metric("pier_store_commits_total"))};
    }

    private static Map<String, MqttLoad.Result> run(List<Scenario> scenarios, MqttLoad.Target target,
                                                    Counters counters) throws Exception {
        Map<String, MqttLoad.Result> results = new LinkedHashMap<>();
        // the JIT compiles the hot paths first; a peer written in C has nothing to warm
        for (Scenario warmUp : Scenario.warmUp()) {
            new MqttLoad(target, warmUp).run();
        }
        double before = PierServer.cpuSeconds(target.pid());
        Thread.sleep(5_000);
        System.out.printf(Locale.ROOT, "%s at rest: %.1f %% of a core%n", target.port(),
                (PierServer.cpuSeconds(target.pid()) - before) / 5 * 100);
        for (Scenario scenario : scenarios) {
            long[] start = counters.read();
            MqttLoad.Result result = new MqttLoad(target, scenario).run();
            long[] end = counters.read();
            String server = end.length == 0 ? "" : String.format(Locale.ROOT,
                    " (the server sent %d, dropped %d; wrote %d batches in %d commits)", end[0] - start[0],
                    end[1] - start[1], end[2] - start[2], end[3] - start[3]);
            System.out.printf(Locale.ROOT, "%s %s: %s%s%n", target.port(), scenario.name(), result.summary(), server);
            results.put(scenario.name(), result);
        }
        return results;
    }

    private static void print(List<Scenario> scenarios, Map<String, Map<String, MqttLoad.Result>> results) {
        List<String> brokers = new ArrayList<>(results.keySet());
        StringBuilder header = new StringBuilder("| scenario |");
        brokers.forEach(b -> header.append(' ').append(b).append(" |"));
        if (brokers.size() > 1) {
            header.append(" Pier / ").append(brokers.get(1)).append(" (CPU per message) |");
        }
        System.out.println();
        System.out.println(header);
        System.out.println("|" + " --- |".repeat(brokers.size() + (brokers.size() > 1 ? 2 : 1)));
        for (Scenario scenario : scenarios) {
            StringBuilder row = new StringBuilder("| ").append(scenario.description()).append(" |");
            for (String broker : brokers) {
                row.append(' ').append(results.get(broker).get(scenario.name()).summary()).append(" |");
            }
            if (brokers.size() > 1) {
                double pier = results.get(brokers.get(0)).get(scenario.name()).cpuPerMillion();
                double peer = results.get(brokers.get(1)).get(scenario.name()).cpuPerMillion();
                row.append(String.format(Locale.ROOT, " %.1f× |", pier / peer));
            }
            System.out.println(row);
        }
    }

    static String option(String[] args, String name, String otherwise) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }

    /** A Mosquitto broker of its own: anonymous, no persistence, its default limits. */
    private record Mosquitto(Process process, int port) implements AutoCloseable {

        static Mosquitto start(Path binary, Path folder) throws Exception {
            Files.createDirectories(folder);
            int port = PierServer.freePort();
            Path config = folder.resolve("mosquitto.conf");
            Files.writeString(config, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n",
                    StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(binary.toString(), "-c", config.toString())
                    .redirectErrorStream(true).redirectOutput(folder.resolve("mosquitto.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                    return new Mosquitto(process, port);
                } catch (java.io.IOException e) {
                    Thread.onSpinWait();
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("mosquitto did not listen on " + port);
        }

        long pid() {
            return process.pid();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
