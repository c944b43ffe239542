package pier.cluster;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
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
    private static final Duration PULL_EXPIRY = Duration.ofSeconds(2);
    private static final Duration STALL_CHECK = Duration.ofSeconds(2);

    private final Connection nats;
    private final Replication replication;
    private final Snapshots snapshots;
    private final Problems problems;
    private volatile boolean closed;
    private volatile String state = "joining";
    private volatile long lagChanges;
    private volatile double lagSeconds;
    private volatile Instant lastApplied;

    Applier(Connection nats, Replication replication, Snapshots snapshots, Problems problems) {
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
            } catch (IOException | JetStreamApiException | JetStreamStatusCheckedException | RuntimeException e) {
                // the ordered consumer is made again from the stored position
                problems.report("applying", "changes not applied, starting again: " + Problems.message(e));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // the changes after the stored position are no longer all in the stream: take a peer's state instead
    private void catchUpIfGone() throws IOException, JetStreamApiException, InterruptedException {
        StreamState stream = nats.jetStreamManagement().getStreamInfo(Names.CHANGES).getStreamState();
        long applied = replication.applied();
        if (stream.getFirstSequence() > applied + 1 || applied > stream.getLastSequence()) {
            state = "snapshot";
            snapshots.take(stream.getFirstSequence());
        }
    }

    private void follow() throws IOException, JetStreamApiException, JetStreamStatusCheckedException,
            InterruptedException {
        long expected = replication.applied() + 1;
        OrderedConsumerConfiguration from = new OrderedConsumerConfiguration().filterSubject(Names.CHANGES_SUBJECTS)
                .deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(expected);
        // short pulls: a pull outlives the loss of its consumer's leader, and the next one finds the new leader
        IterableConsumer consumer = nats.getStreamContext(Names.CHANGES).createOrderedConsumer(from)
                .iterate(ConsumeOptions.builder().expiresIn(PULL_EXPIRY.toMillis()).batchSize(BATCH).build());
        long idleSince = System.nanoTime();
        try {
            state = "replicating";
            problems.solved("applying");
            while (!closed) {
                Message first = consumer.nextMessage(IDLE_WAIT);
                if (first == null) {
                    lagChanges = 0;
                    lagSeconds = 0;
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
                List<Message> batch = new ArrayList<>();
                batch.add(first);
                Message more;
                while (batch.size() < BATCH && (more = consumer.nextMessage(1)) != null) {
                    batch.add(more);
                }
                expected = apply(batch) + 1;
            }
        } finally {
            consumer.stop();
        }
    }

    // a consumer that hears nothing while the stream holds more has lost its way (its server went): anew
    private void checkNotStalled(long expected) throws IOException, JetStreamApiException {
        long last = nats.jetStreamManagement().getStreamInfo(Names.CHANGES).getStreamState().getLastSequence();
        if (last >= expected) {
            throw new IllegalStateException("the stream holds changes up to " + last + " but none came after "
                    + (expected - 1));
        }
    }

    private long apply(List<Message> batch) {
        List<Replication.Change> changes = new ArrayList<>(batch.size());
        for (Message message : batch) {
            changes.add(Wire.change(message.getData()));
        }
        Message last = batch.getLast();
        long through = last.metaData().streamSequence();
        replication.apply(changes, through).join();
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
