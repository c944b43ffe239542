package pier.protocol.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Frees the thread stuck on a client: writing to one which stopped reading, or reading a body that comes
 * a byte at a time. A socket read or write has no time-out of its own, but interrupting a thread blocked
 * in one closes the socket under it (the server's sockets are interruptible channels), which ends the
 * connection. Armed on the thread for as long as it streams or reads; {@link #close()} disarms it there,
 * so a late interrupt never reaches the thread's next task.
 */
final class StalledSocket implements AutoCloseable {

    private final Thread writer = Thread.currentThread();
    private boolean armed = true;

    private synchronized void interrupt() {
        if (armed) {
            writer.interrupt();
        }
    }

    /**
     * Interrupts the writer unless it disarms within the deadline: when its stream is cut off (a full
     * queue, a withdrawn right) the writer may be stuck in a write to a client that stopped reading, or
     * only waiting for the next event, in which case it writes the last event (an error event, a close
     * frame) and disarms in time.
     *
     * @param deadline how long the writer may wait
     */
    void interruptAfter(Duration deadline) {
        CompletableFuture.delayedExecutor(deadline.toNanos(), TimeUnit.NANOSECONDS).execute(this::interrupt);
    }

    /** Disarms, on the writing thread, and clears an interrupt that came before. */
    @Override
    public synchronized void close() {
        armed = false;
        Thread.interrupted();
    }
}
