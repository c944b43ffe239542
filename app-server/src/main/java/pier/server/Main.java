package pier.server;

import sun.misc.Signal;

import pier.plugins.PluginException;
import pier.store.StoreException;

/**
 * Starts Pier: {@code java -p ... -m pier.server/pier.server.Main [options]}. Prints
 * {@code pier ready http=HOST:PORT} once serving; SIGTERM or SIGINT stop it in order with exit status 0.
 */
public final class Main {

    private static final int USAGE_ERROR = 2;
    private static final int START_FAILURE = 1;

    private Main() {
    }

    /**
     * Runs the server until it is signalled to stop.
     *
     * @param args the options; see {@link LaunchOption}
     * @throws InterruptedException when interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(LaunchOptions.usage());
            return;
        }
        PierServer server;
        try {
            ServerConfig config = ServerConfig.from(LaunchOptions.parse(args, System.getenv()).config());
            server = PierServer.start(config, System.getenv());
        } catch (UsageException e) {
            System.err.println("pier: " + e.getMessage() + "\n" + LaunchOptions.usage());
            System.exit(USAGE_ERROR);
            return;
        } catch (pier.engine.SchemaException e) {
            System.err.println("pier: " + e.getMessage());
            System.exit(USAGE_ERROR);
            return;
        } catch (StoreException | PluginException | pier.cluster.ClusterException | io.helidon.config.ConfigException
                 | java.io.UncheckedIOException e) {
            System.err.println("pier: " + e.getMessage());
            System.exit(START_FAILURE);
            return;
        }
        stopOnSignals(server);
        System.out.println("pier ready " + server.listeners());
        System.out.flush();
        server.awaitStopped();
    }

    private static void stopOnSignals(PierServer server) {
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "pier-shutdown"));
        // handled here rather than by the shutdown hook alone, so that SIGTERM exits with 0, not 143
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), received -> {
                server.stop();
                System.exit(0);
            });
        }
    }
}
