package pier.image;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linked image as a user gets it: its own runtime, modules only, started through {@code bin/pier}
 * with an empty environment (no JAVA_HOME, no java on PATH), each test on a copy of it.
 */
class ImageIT {

    private static final Path IMAGE = Path.of(System.getProperty("pier.image", "target/pier"));
    private static final Path EXAMPLE = Path.of(System.getProperty("pier.examplePlugin",
            "../examples/plugin/target/pier-example-plugin.jar"));
    private static final Pattern READY = Pattern.compile("pier ready http=[^ ]+:(\\d+).*");
    private static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString(
            "admin:s3cret".getBytes(StandardCharsets.UTF_8));

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path folder;

    @Test
    void theImageLinksEveryJarAsAModuleAndStaysSmall() throws Exception {
        Process list = new ProcessBuilder(IMAGE.resolve("bin/java").toString(), "--list-modules").start();
        String modules = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor(), is(0));
        assertThat(List.of(modules.split("\n")).stream().map(m -> m.replaceAll("[@ ].*", "")).toList(),
                hasItems("mapdb", "msgpack.core", "com.graphqljava", "pier.server", "pier.plugins", "java.base"));
        try (Stream<Path> files = Files.walk(IMAGE)) {
            List<Path> all = files.filter(Files::isRegularFile).toList();
            // lib/jrt-fs.jar is the runtime's own file system provider, in every JDK image
            assertThat(all.stream().filter(f -> f.toString().endsWith(".jar"))
                    .filter(f -> !f.endsWith(Path.of("lib/jrt-fs.jar"))).toList(), is(empty()));
            assertThat(all.stream().mapToLong(f -> f.toFile().length()).sum(), lessThan(80_000_000L));
        }
    }

    @Test
    void binPierServesRestMqttAndPluginsWithAnEmptyEnvironment() throws Exception {
        Path image = copy();
        Files.copy(EXAMPLE, image.resolve("plugins/pier-example-plugin.jar"));
        int mqttPort = freePort();
        Server server = start(image, Map.of(), "--mqtt-port", String.valueOf(mqttPort));
        try {
            int port = server.ready();
            assertThat(send(port, "PUT", "/Dog/1", "{\"name\":\"Linked\"}").statusCode(), is(204));
            assertThat(send(port, "GET", "/Dog/1", null).body(), containsString("Linked"));
            assertThat(send(port, "GET", "/time", null).body(), containsString("\"now\""));
            MqttClient client = new MqttClient("tcp://127.0.0.1:" + mqttPort, "image-it", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setUserName("admin");
            options.setPassword("s3cret".toCharArray());
            client.connect(options);
            client.publish("Dog/2", "{\"name\":\"Over MQTT\"}".getBytes(StandardCharsets.UTF_8), 1, true);
            client.disconnect();
            client.close();
            assertThat(send(port, "GET", "/Dog/2", null).body(), containsString("Over MQTT"));
        } finally {
            server.stop();
        }
        // the first start recorded the AOT cache; the next one runs with it
        assertThat(Files.size(image.resolve("cache/pier.aot")) > 1_000_000, is(true));
        Server again = start(image, Map.of(), "--mqtt-port", "0");
        try {
            assertThat(send(again.ready(), "GET", "/Dog/2", null).body(), containsString("Over MQTT"));
        } finally {
            again.stop();
        }
    }

    @Test
    void sigtermUnderAWriteLoadLosesNoAcknowledgedWrite() throws Exception {
        Path image = copy();
        Server server = start(image, Map.of("PIER_AOT", "off"), "--mqtt-port", "0");
        int port = server.ready();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; ; i++) {
                    String id = "w" + writer + "-" + i;
                    try {
                        if (send(port, "PUT", "/Dog/" + id, "{\"name\":\"" + id + "\"}").statusCode() == 204) {
                            acknowledged.add(id);
                        }
                    } catch (IOException | RuntimeException e) {
                        return; // the server went away
                    }
                }
            }));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 500);
        server.process().destroy(); // SIGTERM
        assertThat(server.process().waitFor(60, TimeUnit.SECONDS), is(true));
        assertThat(server.process().exitValue(), is(0));
        for (Thread writer : writers) {
            writer.join(Duration.ofSeconds(30));
        }
        Server again = start(image, Map.of("PIER_AOT", "off"), "--mqtt-port", "0");
        try {
            int restarted = again.ready();
            for (String id : acknowledged) {
                assertThat(id, send(restarted, "GET", "/Dog/" + id, null).statusCode(), is(200));
            }
        } finally {
            again.stop();
        }
    }

    private Path copy() throws IOException {
        Path copy = folder.resolve("pier");
        try (Stream<Path> files = Files.walk(IMAGE)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(IMAGE.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return copy;
    }

    /** A started image: the process and the files its output goes to. */
    private record Server(Process process, Path out, Path err) {

        int ready() {
            await().atMost(Duration.ofSeconds(60)).until(() -> readyPort() > 0 || !process.isAlive());
            int port = readyPort();
            if (port <= 0) {
                throw new AssertionError("the image did not get ready: " + read(err));
            }
            return port;
        }

        private int readyPort() {
            Matcher ready = READY.matcher(read(out));
            return ready.find() ? Integer.parseInt(ready.group(1)) : -1;
        }

        void stop() throws InterruptedException {
            process.destroy(); // SIGTERM
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("the image did not stop on SIGTERM");
            }
        }

        private static String read(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Starts {@code bin/pier} with nothing in its environment but the given variables. */
    private Server start(Path image, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(image.resolve("bin/pier").toString(), "--http-port", "0",
                "--mqtts-port", "0", "--data", folder.resolve("data").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile());
        builder.environment().clear();
        builder.environment().put("PIER_ADMIN_PASSWORD", "s3cret");
        builder.environment().putAll(environment);
        Path out = Files.createTempFile(folder, "server", ".out");
        Path err = Files.createTempFile(folder, "server", ".err");
        return new Server(builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start(), out, err);
    }

    private HttpResponse<String> send(int port, String method, String path, String json) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", ADMIN).header("Accept", "application/json");
        request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
