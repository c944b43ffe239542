package pier.protocol.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * Ends a connection whose request headers do not arrive in time after its request line: Helidon reads
 * headers with no deadline, so a client sending a header byte a second would hold a connection (and, at
 * the connection limit, the server) for as long as it likes. Listens to Helidon's HTTP/1 reads: the clock
 * starts with a request line and stops with its headers; a watchdog closes the socket of any request past
 * the deadline.
 */
public final class HeaderDeadline implements Http1ConnectionListener, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HeaderDeadline.class.getName());

    private final long deadlineNanos;
    private final Map<ConnectionContext, Long> reading = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pier-header-deadline").daemon().factory());

    /**
     * @param deadline how long the headers of a request may take after its request line
     */
    public HeaderDeadline(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
        watchdog.scheduleWithFixedDelay(this::closeLate, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void prologue(ConnectionContext context, HttpPrologue prologue) {
        reading.put(context, System.nanoTime());
    }

    @Override
    public void headers(ConnectionContext context, Headers headers) {
        reading.remove(context);
    }

    private void closeLate() {
        long now = System.nanoTime();
        reading.forEach((context, started) -> {
            if (now - started > deadlineNanos && reading.remove(context, started)) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: request headers too slow, connection closed",
                        context.remotePeer().address());
                try {
                    context.serverSocket().close();
                } catch (RuntimeException e) {
                    // closed already
                }
            }
        });
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
