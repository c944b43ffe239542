package pier.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Pier server the load tools start with {@code ./pier run} on a data folder and schema of theirs, and
 * measure from outside: its HTTP base, an admin's bearer token, its MQTT port, its CPU time and RSS.
 */
final class PierServer implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path work;
    private final String pier;
    private final List<String> options;
    private final java.util.Map<String, String> environment;
    private Process process;
    private String base;
    private String authorization;
    private int mqttPort;

    /**
     * @param work    the folder of the schema ({@code schema.graphql}), the data and the log
     * @param pier    the launcher ({@code ./pier})
     * @param options more options of {@code pier run}
     */
    PierServer(Path work, String pier, List<String> options) {
        this(work, pier, options, java.util.Map.of());
    }

    /** A server started with this environment besides the tool's ({@code PIER_ADMIN_PASSWORD}, say). */
    PierServer(Path work, String pier, List<String> options, java.util.Map<String, String> environment) {
        this.work = work;
        this.pier = pier;
        this.options = options;
        this.environment = environment;
    }

    /** Starts the server and waits until it is ready and an admin is logged in. */
    void start() throws Exception {
        int port = freePort();
        mqttPort = freePort();
        List<String> command = new java.util.ArrayList<>(List.of(pier, "run", "--data", data().toString(),
                "--schema", work.resolve("schema.graphql").toString(), "--http-port", Integer.toString(port),
                "--mqtt-port", Integer.toString(mqttPort), "--mqtts-port", "0"));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(work.resolve("server.log").toFile());
        builder.environment().putAll(environment);
        process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("pier ready")) {
                base = "http://127.0.0.1:" + port;
                Thread.ofPlatform().daemon().start(() -> drain(out));
                logIn();
                return;
            }
        }
        throw new IllegalStateException("the server ended before it was ready; see " + work.resolve("server.log"));
    }

    Path data() {
        return work.resolve("data");
    }

    String base() {
        return base;
    }

    String authorization() {
        return authorization;
    }

    int mqttPort() {
        return mqttPort;
    }

    long pid() {
        return process.pid();
    }

    /** The admin's password: the one given, or as the first start wrote it. */
    String password() throws IOException {
        String given = environment.get("PIER_ADMIN_PASSWORD");
        return given != null ? given : Files.readAllLines(data().resolve("admin-password")).getLast();
    }

    /** SIGKILL, and the end of the process awaited. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** A metric's value, since the server's last start. */
    String metric(String name) throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create(base + "/observe/metrics"))
                .header("Authorization", authorization).header("Accept", "text/plain").build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return find(text, "(?m)^" + name + "(?:\\{[^}]*})? ([0-9.E]+)", "?").replaceAll("\\.0$", "");
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", authorization)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpClient http() {
        return http;
    }

    static String find(String text, String regex, String otherwise) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        return matcher.find() ? matcher.group(1) : otherwise;
    }

    /** A process's user and system CPU time since it started, in seconds. */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // the command name may hold spaces: the fields that follow it are counted from its closing parenthesis
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** A process's resident set size, in MiB. */
    static long rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
            }
        }
        return -1;
    }

    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    // a bearer token: a password check per request would be what is measured
    private void logIn() throws Exception {
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/$login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\"" + password() + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        authorization = "Bearer " + find(login.body(), "\"token\":\"([^\"]+)\"", "");
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // the server's stdout is not needed once it is ready
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
