package pier.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One Pier node of a test cluster: a real server process on its own data folder, started (and started
 * again after a kill) with the same options, and what the tests ask of it.
 */
final class ClusterNode implements AutoCloseable {

    static final String PASSWORD = "s3cret";

    final String id;
    private final Path data;
    private final List<String> options;
    private ServerProcess process;
    private RestClient rest;
    private int httpPort;
    private int mqttPort;

    ClusterNode(String id, Path data, String natsUrls, int replicas, String... more) throws IOException {
        this.id = id;
        this.data = data;
        // the same MQTT port after a restart: a client reconnects where it was
        this.options = new ArrayList<>(List.of("--data", data.toString(), "--http-port", "0",
                "--mqtt-port", Integer.toString(ServerProcess.freePort()),
                "--cluster", natsUrls, "--node-id", id, "--cluster-replicas", Integer.toString(replicas)));
        this.options.addAll(List.of(more));
    }

    /** Starts the process and waits for its ready line. */
    ClusterNode start() throws IOException {
        process = ServerProcess.start(List.of("-Xmx160m"), Map.of("PIER_ADMIN_PASSWORD", PASSWORD),
                options.toArray(String[]::new));
        httpPort = process.awaitReady();
        rest = new RestClient(httpPort, "admin", PASSWORD);
        mqttPort = process.mqttPort();
        return this;
    }

    /** Starts nodes at once, as an operator would: the first to come makes the streams, the others find them. */
    static void startTogether(List<ClusterNode> nodes) throws InterruptedException {
        List<Thread> starting = nodes.stream().map(node -> Thread.ofVirtual().start(() -> {
            try {
                node.start();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })).toList();
        for (Thread thread : starting) {
            thread.join();
        }
        for (ClusterNode node : nodes) {
            if (node.rest == null) {
                throw new AssertionError(node + " did not start");
            }
        }
    }

    RestClient rest() {
        return rest;
    }

    /** A client of this node with other credentials. */
    RestClient rest(String user, String password) {
        return new RestClient(httpPort, user, password);
    }

    int mqttPort() {
        return mqttPort;
    }

    ServerProcess process() {
        return process;
    }

    /** Every record of a table, by id, as this node answers. */
    Map<String, JsonNode> dump(String table) {
        Map<String, JsonNode> records = new TreeMap<>();
        RestClient.json(rest.get("/" + table + "/", "application/json")).forEach(r -> records.put(r.get("id").asText(), r));
        return records;
    }

    /** SIGTERM, an orderly stop; the data folder stays for a restart. */
    void stop() throws InterruptedException {
        assertStopped(process.terminate());
    }

    private static void assertStopped(int status) {
        if (status != 0) {
            throw new AssertionError("the node stopped with status " + status);
        }
    }

    /** kill -9; the data folder stays for a restart. */
    void kill() throws IOException, InterruptedException {
        process.close();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process != null) {
            process.close();
        }
    }

    @Override
    public String toString() {
        return "node " + id + " (" + data + ")";
    }
}
