package pier.server;

import java.util.concurrent.CountDownLatch;

import io.helidon.webserver.WebServer;

import pier.codec.CodecLimits;
import pier.codec.CodecRegistry;
import pier.store.Store;
import pier.store.Stores;

/**
 * A running Pier server: the store, the codecs and the HTTP listener, started together and stopped
 * in order (no new work, then the last commits, then the files).
 */
final class PierServer {

    private static final System.Logger LOG = System.getLogger(PierServer.class.getName());

    private final Store store;
    private final WebServer http;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private PierServer(Store store, WebServer http) {
        this.store = store;
        this.http = http;
    }

    /**
     * Opens the store and starts listening.
     *
     * @throws pier.store.StoreException when the store cannot be opened
     */
    static PierServer start(ServerConfig config) {
        config.schema().ifPresent(schema -> LOG.log(System.Logger.Level.INFO,
                "schema {0} (tables are not served yet)", schema.toAbsolutePath()));
        CodecRegistry codecs = CodecRegistry.load(CodecLimits.DEFAULT);
        Store store = Stores.open(config.storeBackend(), config.dataFolder());
        LOG.log(System.Logger.Level.INFO, "store {0} opened in {1} with {2}", config.storeBackend(),
                config.dataFolder().toAbsolutePath(), codecs.supportedTypes());
        try {
            WebServer http = WebServer.builder()
                    .host(config.httpHost())
                    .port(config.httpPort())
                    .shutdownHook(false)
                    .addFeature(Observability.feature(store))
                    .build()
                    .start();
            return new PierServer(store, http);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The address and port HTTP is bound to, as the ready line prints it. */
    String httpAddress() {
        return http.prototype().host() + ":" + http.port();
    }

    /**
     * Stops accepting requests, lets in-flight commits finish, and closes the store. Runs once; a
     * concurrent caller (the shutdown hook while a signal handler stops) waits until it is done.
     */
    synchronized void stop() {
        if (stopped.getCount() == 0) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "stopping");
        http.stop();
        store.close();
        LOG.log(System.Logger.Level.INFO, "stopped; store closed");
        stopped.countDown();
    }

    /**
     * Blocks until {@link #stop()} has finished. The main thread waits here so that the JVM cannot begin
     * its own shutdown (which resets logging) while the store is still closing.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    void awaitStopped() throws InterruptedException {
        stopped.await();
    }
}
