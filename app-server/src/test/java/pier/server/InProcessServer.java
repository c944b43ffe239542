package pier.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server in the test's own JVM, started as {@link Main} starts it (options, environment, port 0):
 * for tests that need no process boundary. Signals, crashes, the module path and the image keep
 * {@link ServerProcess}. Its log is captured, as the process would write it to its standard error.
 */
final class InProcessServer implements AutoCloseable {

    private static final Pattern LISTENERS = Pattern.compile("^" + ServerProcess.LISTENERS + "$");

    private final PierServer server;
    private final Log log;
    private final Matcher listeners;

    private InProcessServer(PierServer server, Log log) {
        this.server = server;
        this.log = log;
        this.listeners = LISTENERS.matcher(server.listeners());
        if (!listeners.matches()) {
            throw new AssertionError("unexpected listeners: " + server.listeners());
        }
    }

    /**
     * Starts a server; MQTT and MQTT over TLS listen on port 0 unless the options say otherwise.
     *
     * @param environment what the process environment would hold ({@code PIER_*})
     * @param args        the command-line options
     * @return the running server
     */
    static InProcessServer start(Map<String, String> environment, String... args) {
        List<String> options = ServerProcess.withMqttOnPortZero(List.of(args), environment);
        Log log = new Log();
        Logger.getLogger("").addHandler(log);
        try {
            ServerConfig config = ServerConfig.from(LaunchOptions.parse(options.toArray(String[]::new), environment)
                    .config());
            return new InProcessServer(PierServer.start(config, environment), log);
        } catch (RuntimeException e) {
            Logger.getLogger("").removeHandler(log);
            throw e;
        }
    }

    /** @return the HTTP port (the server is ready when {@link #start} returns) */
    int awaitReady() {
        return Integer.parseInt(listeners.group(2));
    }

    int mqttPort() {
        return port(6, "MQTT");
    }

    int mqttsPort() {
        return port(8, "MQTT over TLS");
    }

    int httpsPort() {
        return port(4, "HTTPS");
    }

    /** What was logged since the start (INFO and above), each record as {@code LEVEL: message}, then its stack. */
    List<String> stderr() {
        return List.copyOf(log.lines);
    }

    /** The warnings and errors logged since the start, each with its stack trace. */
    List<String> problems() {
        return log.lines.stream().filter(line -> line.startsWith("WARNING:") || line.startsWith("SEVERE:")
                || line.startsWith("\tat ")).toList();
    }

    /** Stops as SIGTERM does; returns 0, the status a clean stop exits with. */
    int terminate() {
        close();
        return 0;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            Logger.getLogger("").removeHandler(log);
        }
    }

    private int port(int group, String what) {
        if (listeners.group(group) == null) {
            throw new AssertionError("the server does not listen for " + what + ": " + server.listeners());
        }
        return Integer.parseInt(listeners.group(group));
    }

    /** Collects the records of INFO and above, in the lines {@link ServerProcess#stderr()} would hold. */
    private static final class Log extends Handler {

        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() < Level.INFO.intValue()) {
                return;
            }
            lines.add(record.getLevel() + ": " + formatter.formatMessage(record));
            if (record.getThrown() != null) {
                for (StackTraceElement frame : record.getThrown().getStackTrace()) {
                    lines.add("\tat " + frame);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
