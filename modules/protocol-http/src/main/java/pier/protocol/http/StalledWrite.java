package pier.protocol.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Frees the thread that writes to a client which stopped reading. A socket write has no time-out, but
 * interrupting a thread blocked in one closes the socket under it (the server's sockets are
 * interruptible channels), which ends the connection. Armed on the writing thread for as long as it
 * streams; {@link #close()} disarms it there, so a late interrupt never reaches the thread's next task.
 */
final class StalledWrite implements AutoCloseable {

    private final Thread writer = Thread.currentThread();
    private boolean armed = true;

    /** Interrupts the writer now, if still armed (called by the overflow of its queue). */
    synchronized void interrupt() {
        if (armed) {
            writer.interrupt();
        }
    }

    /**
     * Interrupts the writer unless it disarms within the deadline: for the last write (an error event,
     * a close frame) to a client that may not take it.
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
