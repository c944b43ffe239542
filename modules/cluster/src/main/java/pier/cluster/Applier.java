package pier.cluster;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamState;

import pier.engine.Replication;

/**
 * Applies the cluster's changes from the changes stream, in the stream's order, through an ordered
 * consumer that starts after the position stored with the last changes applied. JetStream does not say
 * when that position is gone (a consumer asked to start before the stream's first message starts at it):
 * the applier compares, and starts over from a peer's snapshot when changes were lost to retention.
 */
final class Applier implements Runnable {

    private static final int BATCH = 1_000;
    private static final Duration IDLE_WAIT = Duration.ofMillis(500);
    private static final Duration BATCH_TIME = Duration.ofMillis(2);
    private static final Duration STALL_CHECK = Duration.ofSeconds(2);
    private static final String MESSAGE_ID = "Nats-Msg-Id";
    private static final System.Logger LOG = System.getLogger(Applier.class.getName());

    private final Connection nats;
    private final Replication replication;
    private final Snapshots snapshots;
    private final Problems problems;
    private final Unanswered unanswered;
    private volatile boolean closed;
    private volatile String state = "joining";
    private volatile long lagChanges;
    private volatile double lagSeconds;
    private volatile Instant lastApplied;
    // the change applied last, to tell whether the log still holds it
    private volatile String lastId;
    private volatile long lastSequence;

    Applier(Connection nats, Replication replication, Snapshots snapshots, Problems problems, Unanswered unanswered) {
        this.unanswered = unanswered;
        this.nats = nats;
        this.replication = replication;
        this.snapshots = snapshots;
        this.problems = problems;
    }

    @Override
    public void run() {
        while (!closed) {
            if (nats.getStatus() != Connection.Status.CONNECTED) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                continue;
            }
            try {
                catchUpIfGone();
                follow();
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                if (e instanceof IOException) {
                    unanswered.timedOut(); // jnats says "Timeout or no response" with an IOException
                }
                // the ordered consumer is made again from the stored position
                problems.report("applying", "changes not applied, starting again: " + Problems.message(e));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // the stream no longer holds what was applied at the stored position: apply it again from its start; the
    // changes after the stored position are no longer all in it: take a peer's state instead
    private void catchUpIfGone() throws IOException, JetStreamApiException, InterruptedException {
        StreamState stream = nats.jetStreamManagement().getStreamInfo(Names.CHANGES).getStreamState();
        long applied = replication.applied();
        if (rewritten(applied)) {
            replication.rewind(stream.getFirstSequence() - 1);
        } else if (stream.getFirstSequence() > applied + 1 || applied > stream.getLastSequence()) {
            state = "snapshot";
            snapshots.take(stream.getFirstSequence());
        }
    }

    // a NATS server killed before it wrote what it had acknowledged comes back without it, and numbers what
    // comes next from there: the message at the position applied is then another change than the one applied
    private boolean rewritten(long applied) throws IOException {
        String id = lastId;
        if (id == null || lastSequence != applied) {
            return false;
        }
        String held;
        try {
            held = nats.jetStreamManagement().getMessage(Names.CHANGES, applied).getHeaders().getFirst(MESSAGE_ID);
        } catch (JetStreamApiException e) {
            held = null;
        }
        if (id.equals(held)) {
            return false;
        }
        LOG.log(System.Logger.Level.WARNING, "cluster: the log no longer holds change {0} that this node applied at "
                + "{1} (its NATS server lost what it had acknowledged); applying the log again from its start", id,
                applied);
        lastId = null;
        return true;
    }

    private void follow() throws IOException, JetStreamApiException, InterruptedException {
        long expected = replication.applied() + 1;
        // an ordered push consumer: changes come as they are stored, with flow control and heartbeats; the
        // client makes it again at the right position when one goes missing
        JetStreamSubscription consumer = nats.jetStream().subscribe(Names.CHANGES_SUBJECTS,
                PushSubscribeOptions.builder().stream(Names.CHANGES).ordered(true).configuration(
                        ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence)
                                .startSequence(expected).build()).build());
        long idleSince = System.nanoTime();
        long reconnects = nats.getStatistics().getReconnects();
        try {
            state = "replicating";
            problems.solved("applying");
            // after a reconnect the consumer goes on where it was: first check that the log is the one it read
            while (!closed && nats.getStatistics().getReconnects() == reconnects) {
                Message first = consumer.nextMessage(IDLE_WAIT);
                if (first == null) {
                    lagChanges = 0;
                    lagSeconds = 0;
                    replication.keepApplied();
                    if (System.nanoTime() - idleSince > STALL_CHECK.toNanos()) {
                        checkNotStalled(expected);
                        idleSince = System.nanoTime();
                    }
                    continue;
                }
                idleSince = System.nanoTime();
                if (first.metaData().streamSequence() != expected) {
                    // changes between were removed by the stream's retention while this node read
                    throw new IllegalStateException("the stream went on at " + first.metaData().streamSequence()
                            + ", not " + expected + ": changes were lost to its retention");
                }
                expected = apply(batch(consumer, first)) + 1;
            }
        } finally {
            consumer.unsubscribe();
        }
    }

    // what has arrived already goes in one commit; a change that is alone does not wait for company
    private static List<Message> batch(JetStreamSubscription consumer, Message first) throws InterruptedException {
        List<Message> batch = new ArrayList<>();
        batch.add(first);
        long until = System.nanoTime() + BATCH_TIME.toNanos();
        Message more;
        while (batch.size() < BATCH && System.nanoTime() < until && (more = consumer.nextMessage(1)) != null) {
            batch.add(more);
        }
        return batch;
    }

    // a consumer that hears nothing while the stream holds more has lost its way (its server went, or came
    // back under it without its messages flowing again): what it missed is read from the stream directly,
    // then the consumer is made anew
    private void checkNotStalled(long expected) throws IOException, JetStreamApiException {
        JetStreamManagement streams = nats.jetStreamManagement();
        long last = streams.getStreamInfo(Names.CHANGES).getStreamState().getLastSequence();
        if (last < expected) {
            return;
        }
        long next = expected;
        while (next <= last) {
            List<Replication.Change> changes = new ArrayList<>();
            long through = next - 1;
            for (; next <= last && changes.size() < BATCH; next++) {
                try {
                    changes.add(Wire.change(streams.getMessage(Names.CHANGES, next).getData()));
                } catch (JetStreamApiException | IllegalArgumentException e) {
                    problems.each("reading", "message " + next + " of the log passed over: " + e.getMessage());
                }
                through = next;
            }
            replication.apply(changes, through).join();
        }
        lastApplied = Instant.now();
        throw new IllegalStateException("the stream held changes up to " + last + " but none came after "
                + (expected - 1) + ": read them directly");
    }

    private long apply(List<Message> batch) {
        List<Replication.Change> changes = new ArrayList<>(batch.size());
        for (Message message : batch) {
            try {
                changes.add(Wire.change(message.getData()));
            } catch (IllegalArgumentException e) {
                // not written by a node (someone published to the subject): passed over, or it would stop the log
                problems.each("reading", "message " + message.metaData().streamSequence() + " of the log passed "
                        + "over: " + e.getMessage());
            }
        }
        Message last = batch.getLast();
        long through = last.metaData().streamSequence();
        replication.apply(changes, through).join();
        lastId = last.getHeaders() == null ? null : last.getHeaders().getFirst(MESSAGE_ID);
        lastSequence = through;
        unanswered.answered();
        lastApplied = Instant.now();
        lagChanges = last.metaData().pendingCount();
        lagSeconds = lagChanges == 0 ? 0
                : Duration.between(last.metaData().timestamp().toInstant(), lastApplied).toMillis() / 1000.0;
        return through;
    }

    String state() {
        return state;
    }

    long lagChanges() {
        return lagChanges;
    }

    double lagSeconds() {
        return lagSeconds;
    }

    java.util.Optional<Instant> lastApplied() {
        return java.util.Optional.ofNullable(lastApplied);
    }

    void close() {
        closed = true;
    }
}
