package pier.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A cluster on this machine — three nats-server processes (JetStream, streams with three replicas) and three
 * Pier nodes started with {@code ./pier run --cluster} — measured from outside: cross-node delivery latency
 * of record writes at 1,000/s (an MQTT publisher on node a, a subscriber on node b), replicated write
 * throughput (unpaced), the stall when the stream's NATS leader is killed during writes, and the catch-up
 * rate of a node that was down while changes were made.
 *
 * <pre>java -cp modules/benchmarks/target/benchmarks.jar pier.benchmarks.ClusterBenchmark [--seconds 20]
 *     [--pier ./pier] [--nats /usr/sbin/nats-server] [--only latency,unpaced,failover,catch-up]
 *     [--java-opts "flags for every node"]</pre>
 */
public final class ClusterBenchmark {

    private static final String SCHEMA = "type Dog @table @export { id: ID @primaryKey  name: String  k: Int  s: Int  "
            + "t: Long  x: String }\n";
    private static final String PASSWORD = "bench";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static String javaOptions = "";

    private ClusterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(MqttLoadBenchmark.option(args, "--seconds", "20"));
        Path work = Files.createTempDirectory("pier-cluster-bench");
        String pier = MqttLoadBenchmark.option(args, "--pier", "./pier");
        List<String> only = List.of(MqttLoadBenchmark.option(args, "--only", "latency,unpaced,failover,catch-up")
                .split(","));
        javaOptions = MqttLoadBenchmark.option(args, "--java-opts", "");
        List<String> report = new ArrayList<>();
        try (Nats nats = Nats.start(Path.of(MqttLoadBenchmark.option(args, "--nats", "/usr/sbin/nats-server")),
                work, 3)) {
            List<PierServer> nodes = new ArrayList<>();
            try {
                for (String id : List.of("a", "b", "c")) {
                    nodes.add(node(work, pier, nats, id));
                }
                PierServer a = nodes.get(0);
                PierServer b = nodes.get(1);
                new MqttLoad(target(a), target(b), scenario("warm-up", 2_000, 10)).run();
                if (only.contains("latency")) {
                    report.add(row("cross-node delivery at 1,000 writes/s (a → b)", new MqttLoad(target(a), target(b),
                            scenario("latency", 1_000, seconds)).run().summary()));
                }
                if (only.contains("unpaced")) {
                    report.add(row("replicated writes, unpaced (a → b)", new MqttLoad(target(a), target(b),
                            scenario("unpaced", 0, seconds)).run().summary()));
                }
                if (only.contains("failover")) {
                    report.add(row("stream leader killed during 1,000 writes/s", failover(nats, a, b, seconds)));
                }
                if (only.contains("catch-up")) {
                    report.add(row("catch-up of a node that was down", catchUp(work, pier, nats, nodes, seconds)));
                }
            } finally {
                for (PierServer node : nodes) {
                    node.close();
                }
            }
        }
        System.out.println("| what | measured |\n| --- | --- |");
        report.forEach(System.out::println);
    }

    private static PierServer node(Path work, String pier, Nats nats, String id) throws Exception {
        Path folder = Files.createDirectories(work.resolve("node-" + id));
        Files.writeString(folder.resolve("schema.graphql"), SCHEMA);
        PierServer node = new PierServer(folder, pier, List.of("--cluster", nats.urls(), "--node-id", id,
                "--cluster-replicas", "3"), Map.of("PIER_ADMIN_PASSWORD", PASSWORD,
                "PIER_JAVA_OPTS", ("-Xmx512m " + javaOptions.replace("%n", id)).strip()));
        node.start();
        return node;
    }

    private static MqttLoad.Target target(PierServer node) {
        return new MqttLoad.Target("127.0.0.1", node.mqttPort(), node.pid(), "admin", PASSWORD);
    }

    private static Scenario scenario(String name, int rate, int seconds) {
        return new Scenario(name, name, "Dog/bench", 1, true, 1, 1, rate, seconds);
    }

    // the leader of the changes stream is killed a third of the way in; the longest delivery is the stall
    private static String failover(Nats nats, PierServer a, PierServer b, int seconds) throws Exception {
        int length = Math.max(12, seconds);
        String leader = nats.leader();
        java.util.concurrent.ScheduledExecutorService killer = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        var killed = killer.schedule(() -> {
            nats.kill(leader);
            return null;
        }, length / 3, TimeUnit.SECONDS);
        MqttLoad.Result result = new MqttLoad(target(a), target(b), scenario("failover", 1_000, length)).run();
        killed.get();
        killer.shutdown();
        nats.restart(leader);
        return String.format(Locale.ROOT, "leader %s; longest delivery (the stall) %.0f ms; %s", leader,
                result.percentileMillis(1.0), result.summary());
    }

    // node c is killed, writes go on for a while, c starts again: its applied position is sampled from its
    // first answer until it has what node b has
    private static String catchUp(Path work, String pier, Nats nats, List<PierServer> nodes, int seconds)
            throws Exception {
        PierServer c = nodes.get(2);
        c.kill();
        new MqttLoad(target(nodes.get(0)), target(nodes.get(1)), scenario("backlog", 0, seconds)).run();
        long target = cluster(nodes.get(1)).get("applied").asLong();
        PierServer back = node(work, pier, nats, "c");
        nodes.set(2, back);
        JsonNode first = cluster(back);
        long startedAt = System.nanoTime();
        long firstApplied = first.get("applied").asLong();
        long applied = firstApplied;
        while (applied < target && System.nanoTime() - startedAt < TimeUnit.MINUTES.toNanos(5)) {
            Thread.sleep(50);
            applied = cluster(back).get("applied").asLong();
        }
        double elapsed = (System.nanoTime() - startedAt) / 1e9;
        return String.format(Locale.ROOT, "%,d changes behind when it first answered, caught up in %.2f s: %,.0f "
                + "changes/s", target - firstApplied, elapsed, (applied - firstApplied) / elapsed);
    }

    private static JsonNode cluster(PierServer node) throws Exception {
        JsonNode health = JSON.readTree(node.get("/observe/health").body());
        for (JsonNode check : health.get("checks")) {
            if (check.get("name").asText().equals("cluster")) {
                return check.get("data");
            }
        }
        throw new IllegalStateException("no cluster check in " + health);
    }

    private static String row(String what, String measured) {
        return "| " + what + " | " + measured + " |";
    }

    /** nats-server processes routed into one JetStream cluster, for this benchmark. */
    private static final class Nats implements AutoCloseable {
        private final Path binary;
        private final Path folder;
        private final List<int[]> ports = new ArrayList<>();
        private final Map<String, Process> processes = new java.util.LinkedHashMap<>();

        private Nats(Path binary, Path folder) {
            this.binary = binary;
            this.folder = folder;
        }

        static Nats start(Path binary, Path folder, int count) throws Exception {
            Nats nats = new Nats(binary, folder);
            for (int i = 0; i < count; i++) {
                nats.ports.add(new int[] {PierServer.freePort(), PierServer.freePort(), PierServer.freePort()});
            }
            for (int i = 0; i < count; i++) {
                nats.launch(i);
            }
            return nats;
        }

        String urls() {
            return ports.stream().map(p -> "nats://127.0.0.1:" + p[0]).collect(Collectors.joining(","));
        }

        String leader() throws Exception {
            for (int[] port : ports) {
                try {
                    JsonNode jsz = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + port[2] + "/jsz?accounts=true&streams=true")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    for (JsonNode stream : jsz.findValues("stream_detail").getFirst()) {
                        if (stream.get("name").asText().equals("PIER_CHANGES")) {
                            return stream.get("cluster").get("leader").asText();
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // a server that is down, or not holding the stream: ask the next
                }
            }
            throw new IllegalStateException("no server names the leader of PIER_CHANGES");
        }

        void kill(String name) throws InterruptedException {
            processes.get(name).destroyForcibly().waitFor();
        }

        void restart(String name) throws Exception {
            int index = Integer.parseInt(name.substring(1));
            ports.get(index)[2] = PierServer.freePort();
            launch(index);
        }

        private void launch(int index) throws Exception {
            String name = "n" + index;
            int[] port = ports.get(index);
            String routes = ports.stream().filter(p -> p != port).map(p -> "nats-route://127.0.0.1:" + p[1])
                    .collect(Collectors.joining(", "));
            Path config = folder.resolve(name + ".conf");
            Files.writeString(config, "server_name: " + name + "\nlisten: 127.0.0.1:" + port[0] + "\nhttp: 127.0.0.1:"
                    + port[2] + "\njetstream { store_dir: \"" + folder.resolve(name) + "\" }\ncluster { name: bench, "
                    + "listen: \"127.0.0.1:" + port[1] + "\", routes: [" + routes + "] }\n");
            Process process = new ProcessBuilder(binary.toString(), "-c", config.toString()).redirectErrorStream(true)
                    .redirectOutput(folder.resolve(name + ".log").toFile()).start();
            processes.put(name, process);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                try {
                    if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port[2]
                            + "/healthz?js-enabled=true")).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("nats-server " + name + " did not start: see " + folder);
        }

        @Override
        public void close() {
            processes.values().forEach(Process::destroyForcibly);
        }
    }
}
