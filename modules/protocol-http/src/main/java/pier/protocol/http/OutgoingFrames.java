package pier.protocol.http;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;

import pier.protocol.WebSocketSubProtocol;

/**
 * The frames on their way to one sub-protocol WebSocket client, written in order by a virtual thread of
 * their own, so that a sender (a publisher's thread fanning out) never waits for the client. Closing writes
 * what was queued first; a client that does not read it within a deadline is cut off.
 */
final class OutgoingFrames implements WebSocketSubProtocol.Peer {

    private static final long HIGH_WATER = 256 << 10;
    private static final long LOW_WATER = 64 << 10;
    private static final Duration LAST_WRITE = Duration.ofSeconds(3);

    private record Close(int code, String reason) {
    }

    private final WsSession session;
    private final String remoteAddress;
    private final Runnable failed;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean full;
    private volatile WebSocketSubProtocol.Connection connection;
    private volatile StalledSocket stalled;

    /**
     * @param session       the socket
     * @param remoteAddress the client's address, read while the socket was open
     * @param failed        what ends the connection when a write fails (the client is gone)
     */
    OutgoingFrames(WsSession session, String remoteAddress, Runnable failed) {
        this.session = session;
        this.remoteAddress = remoteAddress;
        this.failed = failed;
        Thread.ofVirtual().name("ws-out-" + remoteAddress).start(this::write);
    }

    void connection(WebSocketSubProtocol.Connection connection) {
        this.connection = connection;
    }

    @Override
    public void send(byte[] frame) {
        if (closing.get()) {
            return;
        }
        if (queuedBytes.addAndGet(frame.length) > HIGH_WATER) {
            full = true;
        }
        queue.add(frame);
    }

    @Override
    public boolean writable() {
        return queuedBytes.get() < HIGH_WATER;
    }

    @Override
    public void close(int code, String reason) {
        if (closing.compareAndSet(false, true)) {
            queue.add(new Close(code, reason));
            StalledSocket writer = stalled;
            if (writer != null) {
                writer.interruptAfter(LAST_WRITE);
            }
        }
    }

    /** The client is gone: the writer stops without writing more. */
    void stop() {
        closing.set(true);
        queue.clear();
        queue.add(new Close(0, ""));
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    private void write() {
        try (StalledSocket writer = new StalledSocket()) {
            stalled = writer;
            while (true) {
                Object next = queue.take();
                if (next instanceof Close close) {
                    if (close.code() > 0) {
                        session.close(close.code(), close.reason());
                    }
                    return;
                }
                byte[] frame = (byte[]) next;
                session.send(BufferData.create(frame), true);
                if (queuedBytes.addAndGet(-frame.length) < LOW_WATER && full) {
                    full = false;
                    WebSocketSubProtocol.Connection listener = connection;
                    if (listener != null) {
                        listener.drained();
                    }
                }
            }
        } catch (InterruptedException e) {
            // stopped while waiting for a frame
            failed.run();
        } catch (RuntimeException e) {
            // the socket went away, or was closed under a stalled write
            failed.run();
        }
    }
}
