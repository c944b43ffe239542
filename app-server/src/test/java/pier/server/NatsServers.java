package pier.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import static org.awaitility.Awaitility.await;

/**
 * Real {@code nats-server} processes with JetStream (Debian's package, installed by
 * {@code .ci/install-test-tools}): one, or several routed into one cluster, on free loopback ports, each
 * with its store in the test's folder and one Go thread. Tests fail, never skip, without the binary.
 */
final class NatsServers implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Path folder;
    private final List<Server> servers = new ArrayList<>();

    /** One server: its name, its ports, its process (null while stopped). */
    static final class Server {
        final String name;
        final int client;
        final int route;
        int monitor;
        Process process;

        Server(String name, int client, int route, int monitor) {
            this.name = name;
            this.client = client;
            this.route = route;
            this.monitor = monitor;
        }

        String url() {
            return "nats://127.0.0.1:" + client;
        }
    }

    private NatsServers(Path folder) {
        this.folder = folder;
    }

    /**
     * Starts servers and waits until JetStream answers on each (and, with several, a meta leader is chosen).
     *
     * @param folder where their stores and configurations go
     * @param count  how many
     */
    static NatsServers start(Path folder, int count) throws IOException {
        NatsServers nats = new NatsServers(folder);
        for (int i = 1; i <= count; i++) {
            nats.servers.add(new Server("n" + i, keptPort(), keptPort(), ServerProcess.freePort()));
        }
        try {
            for (Server server : nats.servers) {
                nats.launch(server);
            }
            for (Server server : nats.servers) {
                nats.awaitHealthy(server);
            }
        } catch (IOException | RuntimeException e) {
            nats.close();
            throw e;
        }
        return nats;
    }

    /** The URLs of all servers, as {@code --cluster} takes them. */
    String urls() {
        return servers.stream().map(Server::url).collect(Collectors.joining(","));
    }

    List<Server> servers() {
        return servers;
    }

    /** The server named so (the stream leader's name, say). */
    Server named(String name) {
        return servers.stream().filter(s -> s.name.equals(name)).findFirst().orElseThrow();
    }

    /**
     * A free port below the range the system hands out for outgoing connections (32768 and up on Linux): a
     * killed server starts again on its ports, which a client's connection elsewhere in the suite could
     * otherwise have taken meanwhile ("address already in use").
     */
    private static int keptPort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1,
                    java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (java.net.BindException taken) {
                // another one
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }

    /** kill -9. */
    void kill(Server server) throws InterruptedException {
        server.process.destroyForcibly();
        server.process.waitFor(10, TimeUnit.SECONDS);
        server.process = null;
    }

    /** Starts a killed server again, on its ports and its store. */
    void restart(Server server) throws IOException {
        // the monitoring port is the test's alone to know: a new one, in case the old was taken meanwhile
        server.monitor = ServerProcess.freePort();
        launch(server);
        awaitHealthy(server);
    }

    /** The last lines a server logged, for a failure's message. */
    String logTail(Server server, int lines) throws IOException {
        List<String> all = Files.readAllLines(folder.resolve(server.name + ".log"));
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** A connection of the test's own, to look at streams. */
    Connection connect() throws IOException, InterruptedException {
        return Nats.connect(Options.builder().servers(servers.stream().map(Server::url).toArray(String[]::new))
                .maxReconnects(-1).build());
    }

    private void launch(Server server) throws IOException {
        Path config = folder.resolve(server.name + ".conf");
        String routes = servers.size() == 1 ? "" : """
                cluster {
                  name: pier-test
                  listen: 127.0.0.1:%d
                  routes: [%s]
                }
                """.formatted(server.route, servers.stream().filter(s -> s != server)
                .map(s -> "nats-route://127.0.0.1:" + s.route).collect(Collectors.joining(", ")));
        Files.writeString(config, """
                server_name: %s
                listen: 127.0.0.1:%d
                http: 127.0.0.1:%d
                jetstream {
                  store_dir: "%s"
                  max_memory_store: 64MB
                  max_file_store: 1GB
                }
                %s
                """.formatted(server.name, server.client, server.monitor, folder.resolve(server.name + "-store"),
                routes));
        ProcessBuilder builder = new ProcessBuilder(binary(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve(server.name + ".log").toFile());
        builder.environment().put("GOMAXPROCS", "1");
        server.process = builder.start();
    }

    private void awaitHealthy(Server server) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!server.process.isAlive()) {
                throw new AssertionError("nats-server " + server.name + " ended: "
                        + Files.readString(folder.resolve(server.name + ".log")));
            }
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.monitor
                        + "/healthz?js-enabled=true")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static String binary() {
        return java.util.stream.Stream.of("/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server")
                .filter(path -> Files.isExecutable(Path.of(path))).findFirst()
                .orElseThrow(() -> new AssertionError("nats-server is not installed: the cluster tests need it "
                        + "(.ci/install-test-tools installs Debian's nats-server)"));
    }

    @Override
    public void close() {
        for (Server server : servers) {
            if (server.process != null) {
                server.process.destroyForcibly();
                try {
                    server.process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UncheckedIOException(new IOException("interrupted while stopping nats-server"));
                }
            }
        }
    }
}
