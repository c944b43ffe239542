package pier.server;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** The built server, on the module path, as a user starts it. */
class ServerProcessIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path folder;

    @Test
    void runsOnTheModulePathAndServesHealthAndMetrics() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of(), "--http-port", "0", "--data", data())) {
            int port = server.awaitReady();
            HttpResponse<String> health = get(port, "/observe/health");
            assertThat(health.statusCode(), is(200));
            assertThat(health.body(), containsString("\"status\":\"UP\""));
            assertThat(health.body(), containsString("\"name\":\"store\""));
            HttpResponse<String> metrics = get(port, "/observe/metrics");
            assertThat(metrics.statusCode(), is(200));
            assertThat(metrics.body(), containsString("pier_store_commits_total"));
            assertThat(metrics.body(), containsString("pier_store_batches_total"));
        }
    }

    @Test
    void moreConnectionsThanFileDescriptorsWaitInsteadOfEndingHttp() throws Exception {
        // 512 descriptors: the server takes at most 512 * 9/10 - 256 = 204 connections at once
        try (ServerProcess server = ServerProcess.startUnder(List.of("prlimit", "--nofile=512:512"), List.of(),
                Map.of(), "--http-port", "0", "--data", data())) {
            int port = server.awaitReady();
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 700; i++) {
                    idle.add(new Socket("127.0.0.1", port));
                }
            } finally {
                for (Socket socket : idle) {
                    socket.close();
                }
            }
            assertThat(get(port, "/observe/health").statusCode(), is(200));
            assertThat(String.join("\n", server.stderr()), not(containsString("Too many open files")));
        }
    }

    @Test
    void sigtermStopsInOrderAndExitsZeroLeavingAStoreThatReopens() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of(), "--http-port", "0", "--data", data())) {
            server.awaitReady();
            assertThat(server.terminate(), is(0));
            assertThat(server.stderr(), hasItem(containsString("stopped; store closed")));
        }
        try (ServerProcess again = ServerProcess.start(Map.of(), "--http-port", "0", "--data", data())) {
            int port = again.awaitReady();
            assertThat(get(port, "/observe/health").statusCode(), is(200));
        }
    }

    @Test
    void flagsBeatTheEnvironmentWhichBeatsTheConfigFile() throws Exception {
        Path config = Files.writeString(folder.resolve("pier-config.yaml"), """
                http:
                  port: 1
                storage:
                  path: %s
                """.formatted(folder.resolve("from-file")));
        Map<String, String> environment = Map.of("PIER_CONFIG", config.toString(), "PIER_HTTP_PORT", "not-a-port");
        try (ServerProcess server = ServerProcess.start(environment, "--http-port=0")) {
            server.awaitReady();
            assertThat(Files.exists(folder.resolve("from-file/pier.mapdb")), is(true));
        }
        Map<String, String> portFromEnvironment = Map.of("PIER_CONFIG", config.toString(), "PIER_HTTP_PORT", "0",
                "PIER_DATA", data());
        try (ServerProcess server = ServerProcess.start(portFromEnvironment)) {
            server.awaitReady();
            assertThat(Files.exists(Path.of(data(), "pier.mapdb")), is(true));
        }
    }

    @Test
    void aStoreInUseStopsASecondServerNamingTheFile() throws Exception {
        try (ServerProcess first = ServerProcess.start(Map.of(), "--http-port", "0", "--data", data())) {
            int port = first.awaitReady();
            try (ServerProcess second = ServerProcess.start(Map.of(), "--http-port", "0", "--data", data())) {
                assertThat(second.awaitExit(), is(1));
                String stderr = String.join("\n", second.stderr());
                assertThat(stderr, containsString(Path.of(data(), "pier.mapdb").toString()));
                assertThat(stderr, containsString("locked by another process"));
            }
            assertThat(get(port, "/observe/health").statusCode(), is(200));
        }
    }

    @Test
    void aDamagedStoreStopsTheServerNamingTheFileAndIsLeftAsItWas() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of(), "--http-port", "0", "--data", data())) {
            server.awaitReady();
            server.terminate();
        }
        Path file = Path.of(data(), "pier.mapdb");
        try (RandomAccessFile damaged = new RandomAccessFile(file.toFile(), "rw")) {
            damaged.write(new byte[64]);
        }
        byte[] before = Files.readAllBytes(file);
        try (ServerProcess server = ServerProcess.start(Map.of(), "--http-port", "0", "--data", data())) {
            assertThat(server.awaitExit(), is(1));
            assertThat(String.join("\n", server.stderr()), containsString("cannot open store " + file));
        }
        assertThat(java.util.Arrays.equals(Files.readAllBytes(file), before), is(true));
    }

    @Test
    void badOptionsExitWithUsage() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of(), "--nope", "1")) {
            assertThat(server.awaitExit(), is(2));
            assertThat(String.join("\n", server.stderr()), containsString("unknown option --nope"));
            assertThat(String.join("\n", server.stderr()), containsString("--http-port N"));
        }
        try (ServerProcess server = ServerProcess.start(Map.of(), "--http-port", "70000", "--data", data())) {
            assertThat(server.awaitExit(), is(2));
            assertThat(String.join("\n", server.stderr()), containsString("http.port: '70000' is not a port number"));
        }
        try (ServerProcess server = ServerProcess.start(Map.of(), "--schema", folder.resolve("missing.graphql")
                .toString(), "--data", data())) {
            assertThat(server.awaitExit(), is(2));
            assertThat(String.join("\n", server.stderr()), containsString("missing.graphql cannot be read"));
        }
        try (ServerProcess server = ServerProcess.start(Map.of(), "--cache-bytes", "lots", "--data", data())) {
            assertThat(server.awaitExit(), is(2));
            assertThat(String.join("\n", server.stderr()), containsString("storage.cacheBytes: 'lots' is not a size"));
        }
        // the store's pages live in the heap
        try (ServerProcess server = ServerProcess.start(Map.of(), "--cache-bytes", "64g", "--data", data())) {
            assertThat(server.awaitExit(), is(2));
            assertThat(String.join("\n", server.stderr()), containsString("is more than half the heap"));
        }
    }

    @Test
    void aSchemaWithErrorsStopsTheServerNamingEveryProblemWithItsLine() throws Exception {
        Path schema = Files.writeString(folder.resolve("schema.graphql"), """
                type Dog @table @export {
                  name: String
                }
                type Cat @table { id: ID @primaryKey  owner: Nobody }
                """);
        try (ServerProcess server = ServerProcess.start(Map.of(), "--schema", schema.toString(), "--data", data())) {
            assertThat(server.awaitExit(), is(2));
            String stderr = String.join("\n", server.stderr());
            assertThat(stderr, containsString("1:1: type Dog needs exactly one @primaryKey attribute"));
            assertThat(stderr, containsString("4:39: attribute owner has unknown type Nobody"));
        }
    }

    private String data() {
        return folder.resolve("data").toString();
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
