package pier.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;

import pier.engine.Replication;

/**
 * Ships this node's changes from its persisted feed into the changes stream: a window of asynchronous
 * publishes, each with the id {@code <node>:<feed position>}, so that JetStream drops a change sent again
 * after a disconnect or a crash. The shipped position is stored once the stream holds what precedes it;
 * writes never wait for any of this (local first).
 */
final class Shipper implements Runnable {

    private static final System.Logger LOG = System.getLogger(Shipper.class.getName());
    static final int WINDOW = 256;
    // a window is acknowledged within tens of milliseconds; longer means its stream leader is gone, and the
    // sooner it is sent again, the sooner a new leader takes it
    private static final Duration ACK_WAIT = Duration.ofSeconds(2);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Connection nats;
    private final JetStream stream;
    private final Replication replication;
    private final Problems problems;
    private final Unanswered unanswered;
    private final PublishOptions.Builder options = PublishOptions.builder().expectedStream(Names.CHANGES);
    private final Headers headers;
    private static final long SAVE_EVERY = TimeUnit.SECONDS.toNanos(1);
    private volatile Thread thread;
    private volatile boolean closed;
    // what the stream holds; stored at most once a second (a change shipped twice is dropped by the
    // stream within its duplicate window, and changes nothing on a node after it)
    private long shipped = -1;
    private long sent;
    private final ArrayDeque<Sent> window = new ArrayDeque<>();
    private long saved;
    private long savedAt = System.nanoTime();

    Shipper(Connection nats, Replication replication, Problems problems, Unanswered unanswered)
            throws java.io.IOException {
        this.unanswered = unanswered;
        this.nats = nats;
        this.stream = nats.jetStream();
        this.replication = replication;
        this.problems = problems;
        this.headers = new Headers().put(Names.ORIGIN, replication.node());
    }

    /** A cue that there may be changes to ship; cheap, called after every commit. */
    void wake() {
        Thread shipper = thread;
        if (shipper != null) {
            LockSupport.unpark(shipper);
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (!closed) {
            if (nats.getStatus() == Connection.Status.CONNECTED) {
                try {
                    long before = shipped;
                    step();
                    if (shipped > before || window.isEmpty()) {
                        problems.solved("shipping");
                        unanswered.answered();
                    }
                } catch (RuntimeException | ExecutionException | TimeoutException e) {
                    if (e instanceof TimeoutException) {
                        unanswered.timedOut();
                    }
                    // sent again from what the stream holds: it drops what it has already
                    problems.report("shipping", "changes not shipped yet, trying again: " + Problems.message(e));
                    window.clear();
                    sent = shipped;
                    LockSupport.parkNanos(RETRY_NANOS);
                    continue;
                }
            }
            // woken by a commit or an acknowledgement
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(nats.getStatus() == Connection.Status.CONNECTED
                    ? 500 : 100));
        }
    }

    /** How many of this node's changes the stream does not hold yet. */
    long behind() {
        return Math.max(0, replication.position() - Math.max(shipped, saved));
    }

    // the window stays open across commits: a change is sent as soon as it is durable here, whatever
    // acknowledgements are still on their way
    private void step() throws ExecutionException, TimeoutException {
        if (shipped < 0) {
            shipped = replication.shipped();
            saved = shipped;
            sent = shipped;
        }
        settle();
        send();
        settle();
        save(false);
    }

    private void save(boolean now) {
        if (shipped > saved && (now || System.nanoTime() - savedAt > SAVE_EVERY)) {
            replication.shipped(shipped);
            saved = shipped;
            savedAt = System.nanoTime();
        }
    }

    private void send() {
        if (window.size() >= WINDOW) {
            return;
        }
        // changes of other nodes are passed over once: past them once what was sent before is held (only
        // as far as is durable: a change sequenced but not committed is not in the feed yet)
        long durable = replication.durablePosition();
        boolean whole = true;
        try (Stream<Replication.Change> changes = replication.changesAfter(sent)) {
            Iterator<Replication.Change> next = changes.iterator();
            while (next.hasNext() && !closed) {
                if (window.size() >= WINDOW) {
                    whole = false;
                    break;
                }
                Replication.Change change = next.next();
                byte[] body = Wire.change(change);
                CompletableFuture<PublishAck> ack = Names.fits(nats, body)
                        ? stream.publishAsync(Names.changes(replication.node()), headers, body,
                        options.messageId(replication.node() + ":" + change.position()).build())
                        : tooLarge(change, body.length);
                ack.whenComplete((done, failure) -> wake());
                window.add(new Sent(change.position(), System.nanoTime(), ack));
                sent = change.position();
            }
        }
        if (whole && durable > sent) {
            window.add(new Sent(durable, System.nanoTime(), CompletableFuture.completedFuture(null)));
            sent = durable;
        }
    }

    // a change larger than the NATS servers take would stop everything shipped after it: it stays here
    private CompletableFuture<PublishAck> tooLarge(Replication.Change change, int bytes) {
        problems.each("shipping", "record " + change.id() + " of " + change.table() + " (" + bytes + " bytes) is "
                + "larger than the NATS servers' max_payload (" + nats.getMaxPayload() + "): it stays on this node; "
                + "raise max_payload on every NATS server (docs/cluster.md)");
        return CompletableFuture.completedFuture(null);
    }

    // the oldest sent changes the stream now holds
    private void settle() throws ExecutionException, TimeoutException {
        for (Sent oldest = window.peek(); oldest != null; oldest = window.peek()) {
            if (!oldest.ack().isDone()) {
                if (System.nanoTime() - oldest.at() > ACK_WAIT.toNanos()) {
                    throw new TimeoutException("no acknowledgement within " + ACK_WAIT.toMillis() + " ms");
                }
                return;
            }
            PublishAck ack;
            try {
                ack = oldest.ack().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (ack != null && ack.hasError()) {
                throw new IllegalStateException(ack.getError());
            }
            shipped = oldest.position();
            window.poll();
        }
    }

    /** Stops shipping and stores how far it got (the caller joins the thread first). */
    void close() {
        closed = true;
        wake();
    }

    void saveNow() {
        save(true);
    }

    /** A change sent, or (without an acknowledgement to wait for) a stretch of other nodes' changes passed. */
    private record Sent(long position, long at, CompletableFuture<PublishAck> ack) {
    }
}
