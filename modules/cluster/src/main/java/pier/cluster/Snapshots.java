package pier.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;

import pier.engine.Replication;

/**
 * Snapshots between nodes, over NATS request and reply. A node that has to start over asks any node for
 * its position (the log position its state holds every change up to), reads that node's tables and
 * tombstones page by page and merges them last-writer-wins — rows only it holds stay, its unshipped
 * changes still ship — and then follows the log from that position. Pages are read while the peer goes
 * on writing: whatever changed meanwhile comes again from the log, and merging it twice changes nothing.
 */
final class Snapshots {

    private static final System.Logger LOG = System.getLogger(Snapshots.class.getName());
    static final int PAGE = 256;
    private static final Duration ASK = Duration.ofSeconds(2);
    private static final Duration READ = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 10;

    private final Connection nats;
    private final Replication replication;

    Snapshots(Connection nats, Replication replication) {
        this.nats = nats;
        this.replication = replication;
    }

    /**
     * Answers other nodes: its position while it is up to date, and pages of its tables.
     *
     * @param current whether this node follows the log now (a node that starts over has nothing to give)
     */
    void serve(Dispatcher dispatcher, BooleanSupplier current) {
        dispatcher.subscribe(Names.SNAPSHOT_ANY, Names.SNAPSHOT_QUEUE, request -> {
            if (current.getAsBoolean()) {
                nats.publish(request.getReplyTo(), Wire.position(new Wire.Position(replication.node(),
                        replication.applied())));
            }
        });
        dispatcher.subscribe(Names.snapshotOf(replication.node()), request -> {
            Wire.PageRequest asked = Wire.pageRequest(request.getData());
            nats.publish(request.getReplyTo(), page(asked, PAGE));
        });
    }

    // fewer records when the page would not fit in a NATS message; a record that alone does not fit is passed
    // over (the shipper says so where it was written)
    private byte[] page(Wire.PageRequest asked, int limit) {
        Replication.Page page = replication.snapshot(asked.table(), asked.tombstones(), asked.after(), limit);
        byte[] body = Wire.page(page);
        if (Names.fits(nats, body) || page.changes().isEmpty()) {
            return body;
        }
        if (limit > 1) {
            return page(asked, limit / 2);
        }
        Replication.Change alone = page.changes().getFirst();
        LOG.log(System.Logger.Level.WARNING, "cluster: record {0} of {1} is larger than the NATS servers'' "
                + "max_payload: not in the snapshot", alone.id(), alone.table());
        return Wire.page(new Replication.Page(List.of(), page.next()));
    }

    /**
     * Takes a peer's state and the position it holds; without a peer, goes on from the log's first change.
     *
     * @param firstInLog the stream's first position
     */
    void take(long firstInLog) throws InterruptedException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Wire.Position> peer = ask();
            if (peer.isPresent() && peer.get().applied() + 1 >= firstInLog) {
                copy(peer.get());
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        LOG.log(System.Logger.Level.WARNING, "cluster: no node could give a snapshot; going on from the log''s "
                + "first change ({0}): changes older than it that this node missed are not here", firstInLog);
        replication.merge(List.of(), firstInLog - 1).join();
    }

    private Optional<Wire.Position> ask() throws InterruptedException {
        try {
            Message reply = nats.request(Names.SNAPSHOT_ANY, new byte[0], ASK);
            return Optional.ofNullable(reply).filter(r -> r.getData() != null && r.getData().length > 0)
                    .map(r -> Wire.position(r.getData()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void copy(Wire.Position peer) throws InterruptedException {
        long started = System.nanoTime();
        long merged = 0;
        long read = 0;
        for (String table : replication.tables()) {
            for (boolean tombstones : List.of(false, true)) {
                Optional<byte[]> after = Optional.empty();
                do {
                    Message reply = nats.request(Names.snapshotOf(peer.node()), Wire.pageRequest(
                            new Wire.PageRequest(table, tombstones, after)), READ);
                    if (reply == null) {
                        throw new IllegalStateException("node " + peer.node() + " stopped answering for its snapshot");
                    }
                    Replication.Page page = Wire.page(reply.getData());
                    merged += replication.merge(page.changes(), -1).join();
                    read += page.changes().size();
                    after = page.next();
                } while (after.isPresent());
            }
        }
        replication.merge(List.of(), peer.applied()).join();
        LOG.log(System.Logger.Level.INFO, "cluster: merged the snapshot of node {0} at position {1}: {2} records "
                + "and tombstones read, {3} newer than here, in {4} ms", peer.node(), peer.applied(), read, merged,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
}
