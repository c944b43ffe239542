package pier.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The built server started as a child process on the module path, exactly as {@code ./pier run} starts it:
 * {@code java -p target/pier-server.jar:target/modules -m pier.server/pier.server.Main}. Other modules' tests
 * use it from this module's test jar, with {@code pier.build} naming this module's {@code target}.
 */
public final class ServerProcess implements AutoCloseable {

    /** The listeners as the ready line names them; groups 2, 4, 6, 8: the HTTP, HTTPS, MQTT, MQTTS ports. */
    static final String LISTENERS = "http=([0-9.]+):(\\d+)(?: https=([0-9.]+):(\\d+))?"
            + "(?: mqtt=([0-9.]+):(\\d+))?(?: mqtts=([0-9.]+):(\\d+))?";
    private static final Pattern READY = Pattern.compile("^pier ready " + LISTENERS + "$");
    private static final Path BUILD = Path.of(System.getProperty("pier.build", "target"));

    private final Process process;
    private final Path out;
    private final Path err;

    private ServerProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    public static ServerProcess start(Map<String, String> environment, String... args) throws IOException {
        return start(List.of(), environment, args);
    }

    public static ServerProcess start(List<String> jvmOptions, Map<String, String> environment, String... args)
            throws IOException {
        return startUnder(List.of(), jvmOptions, environment, args);
    }

    /**
     * Starts a server the test puts under load (floods, kill -9 during writes, many password checks): with
     * the full JIT, as a server runs in production, where {@link #start} saves the CPU of short lives.
     */
    public static ServerProcess startUnderLoad(List<String> jvmOptions, Map<String, String> environment,
                                               String... args) throws IOException {
        return launch(List.of(), jvmOptions, false, environment, args);
    }

    /** Starts the server through a launcher such as {@code prlimit --nofile=512}. */
    public static ServerProcess startUnder(List<String> launcher, List<String> jvmOptions, Map<String, String> environment,
                                    String... args) throws IOException {
        return launch(launcher, jvmOptions, true, environment, args);
    }

    private static ServerProcess launch(List<String> launcher, List<String> jvmOptions, boolean shortLived,
                                        Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.add(ProcessHandle.current().info().command().orElseThrow());
        if (shortLived) {
            // a test's server lives seconds: C1 alone and the serial collector spend a third less CPU on it
            command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("--enable-native-access=lz4", "--sun-misc-unsafe-memory-access=allow",
                "-p", BUILD.resolve("pier-server.jar") + ":" + BUILD.resolve("modules"),
                "-m", "pier.server/pier.server.Main"));
        command.addAll(withMqttOnPortZero(List.of(args), environment));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("PIER_"));
        builder.environment().putAll(environment);
        // output goes to files: reading pipes races with the JDK closing them when the process ends
        Path out = Files.createTempFile("pier-server", ".out");
        Path err = Files.createTempFile("pier-server", ".err");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        return new ServerProcess(builder.start(), out, err);
    }

    /**
     * The options with MQTT and MQTT over TLS on port 0 unless they or the environment name ports: tests
     * that do not speak MQTT leave 1883 and 8883 alone.
     */
    static List<String> withMqttOnPortZero(List<String> args, Map<String, String> environment) {
        List<String> options = new ArrayList<>(args);
        if (!options.contains("--mqtt-port") && !environment.containsKey("PIER_MQTT_PORT")) {
            options.addAll(List.of("--mqtt-port", "0"));
        }
        if (!options.contains("--mqtts-port") && !environment.containsKey("PIER_MQTTS_PORT")) {
            options.addAll(List.of("--mqtts-port", "0"));
        }
        return options;
    }

    /** Waits for the ready line and returns the port it names. */
    public int awaitReady() {
        await().atMost(Duration.ofSeconds(60)).until(() -> readyLine() != null || !process.isAlive());
        Matcher ready = readyLine();
        if (ready == null) {
            throw new AssertionError("server did not get ready; stderr:\n" + String.join("\n", stderr()));
        }
        return Integer.parseInt(ready.group(2));
    }

    /** After {@link #awaitReady()}: the MQTT port of the ready line. */
    public int mqttPort() {
        Matcher ready = readyLine();
        if (ready == null || ready.group(6) == null) {
            throw new AssertionError("the ready line names no MQTT port: " + stdout());
        }
        return Integer.parseInt(ready.group(6));
    }

    /** After {@link #awaitReady()}: the MQTT over TLS port of the ready line. */
    public int mqttsPort() {
        Matcher ready = readyLine();
        if (ready == null || ready.group(8) == null) {
            throw new AssertionError("the ready line names no MQTTS port: " + stdout());
        }
        return Integer.parseInt(ready.group(8));
    }

    /** After {@link #awaitReady()}: the HTTPS port of the ready line. */
    public int httpsPort() {
        Matcher ready = readyLine();
        if (ready == null || ready.group(4) == null) {
            throw new AssertionError("the ready line names no HTTPS port: " + stdout());
        }
        return Integer.parseInt(ready.group(4));
    }

    /** A port that was free a moment ago, for listeners that take no 0. */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits for the process to end by itself and returns its exit status. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("server did not exit; stderr:\n" + String.join("\n", stderr()));
        }
        return process.exitValue();
    }

    /** Sends SIGTERM and returns the exit status. */
    public int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    public List<String> stdout() {
        return lines(out);
    }

    public List<String> stderr() {
        return lines(err);
    }

    /** The lines of stderr that report a problem: warnings, errors and stack traces, in either log format. */
    public List<String> problems() {
        return stderr().stream().filter(line -> line.startsWith("WARNING:") || line.startsWith("SEVERE:")
                || line.contains(" WARNING ") || line.contains(" SEVERE ") || line.startsWith("\tat ")).toList();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
    }

    private Matcher readyLine() {
        return stdout().stream().map(READY::matcher).filter(Matcher::matches).findFirst().orElse(null);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
