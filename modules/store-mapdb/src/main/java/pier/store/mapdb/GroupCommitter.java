package pier.store.mapdb;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.mapdb.BTreeMap;
import org.mapdb.DB;

import pier.store.StoreException;
import pier.store.StoreObserver;
import pier.store.StoreStats;
import pier.store.WriteBatch;

/**
 * The one thread that writes. A sync is costly, so the committer takes every batch waiting at that
 * moment, appends them all to the journal and forces it once, applies them to MapDB and commits once,
 * and only then completes their futures: many writers share one sync, and no batch is acknowledged
 * before it is durable. When others were already waiting (writes come faster than syncs: a pipelined
 * connection, many writers), a commit first takes in what comes within a millisecond more. After each commit it lets the {@link Checkpointer} start a checkpoint if one is due.
 */
final class GroupCommitter implements AutoCloseable {

    private static final int MAX_BATCHES_PER_COMMIT = 4096;
    // a commit that finds others waiting first takes in what comes within this long
    private static final long LINGER_NANOS = TimeUnit.MICROSECONDS.toNanos(1_000);
    private static final System.Logger LOG = System.getLogger(GroupCommitter.class.getName());
    private static final Pending STOP = new Pending(null, null, 0);

    private record Pending(WriteBatch batch, CompletableFuture<Void> done, long submitted) {
    }

    private final DB db;
    private final Journal journal;
    private final Checkpointer checkpointer;
    private final Function<String, BTreeMap<byte[], byte[]>> maps;
    private final String file;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong operations = new AtomicLong();
    private final Thread thread;
    private volatile boolean closing;
    private volatile StoreObserver observer = StoreObserver.NONE;
    private Throwable broken;

    GroupCommitter(Recovery.Opened opened, Function<String, BTreeMap<byte[], byte[]>> maps, String file) {
        this.db = opened.db();
        this.journal = opened.journal();
        this.checkpointer = opened.checkpointer();
        this.maps = maps;
        this.file = file;
        this.thread = Thread.ofPlatform().name("pier-store-committer").daemon().start(this::run);
    }

    CompletableFuture<Void> submit(WriteBatch batch) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (queue) {
            if (closing) {
                return CompletableFuture.failedFuture(
                        new StoreException(StoreException.Kind.CLOSED, "store " + file + " is closed", null));
            }
            queue.add(new Pending(batch, done, System.nanoTime()));
        }
        return done;
    }

    void observe(StoreObserver observer) {
        this.observer = observer;
    }

    StoreStats stats() {
        return checkpointer.stats(batches.get(), commits.get(), operations.get());
    }

    /** Completes every batch accepted so far, then stops the thread. */
    @Override
    public void close() {
        synchronized (queue) {
            if (closing) {
                return;
            }
            closing = true;
            queue.add(STOP);
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreException.Kind.CLOSED, "interrupted while closing store " + file, e);
        }
    }

    private void run() {
        List<Pending> group = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            group.add(take());
            queue.drainTo(group, MAX_BATCHES_PER_COMMIT - 1);
            // others came while the last commit ran: writes come faster than syncs, and a moment's wait
            // lets more share this one (a writer that waits for each of its writes never waits here)
            if (group.size() > 1 && !group.contains(STOP)) {
                linger(group);
            }
            stop = group.remove(STOP);
            if (!group.isEmpty()) {
                commit(group);
            }
            group.clear();
        }
    }

    private void linger(List<Pending> group) {
        long deadline = System.nanoTime() + LINGER_NANOS;
        try {
            for (long left = LINGER_NANOS; left > 0 && group.size() < MAX_BATCHES_PER_COMMIT;
                 left = deadline - System.nanoTime()) {
                Pending next = queue.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    return;
                }
                group.add(next);
                if (next == STOP) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            group.add(STOP);
        }
    }

    private Pending take() {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            // nothing interrupts this thread but JVM teardown; finish what is queued
            return STOP;
        }
    }

    private void commit(List<Pending> group) {
        if (broken != null) {
            fail(group, broken);
            return;
        }
        long started = System.nanoTime();
        long journalBefore;
        try {
            journalBefore = journal.append(group.stream().map(Pending::batch).toList());
        } catch (IOException | RuntimeException e) {
            fail(group, e);
            return;
        }
        try {
            long applied = 0;
            for (Pending pending : group) {
                applied += apply(pending.batch());
            }
            db.commit();
            commits.incrementAndGet();
            batches.addAndGet(group.size());
            operations.addAndGet(applied);
        } catch (RuntimeException | Error e) {
            // MapDB holds part of the group and cannot roll back: no checkpoint may write that, and no
            // later batch may build on it; the next open replays the journal, which no longer holds the group
            checkpointer.halt();
            undoJournal(journalBefore, e);
            broken = e;
            LOG.log(System.Logger.Level.ERROR, "store " + file + " refuses writes until it is opened again: applying "
                    + "a commit failed: " + MapDbFiles.rootMessage(e), e);
            fail(group, e);
            return;
        }
        group.forEach(pending -> pending.done().complete(null));
        observe(group, started);
        checkpointIfDue();
    }

    private void observe(List<Pending> group, long started) {
        StoreObserver told = observer;
        if (told != StoreObserver.NONE) {
            long now = System.nanoTime();
            told.committed(now - started, group.size());
            for (Pending pending : group) {
                told.batchDurable(now - pending.submitted());
            }
        }
    }

    private void checkpointIfDue() {
        try {
            checkpointer.afterCommit();
        } catch (IOException e) {
            // the journal still holds every change: the next commit tries again
            LOG.log(System.Logger.Level.WARNING, "checkpoint of store " + file + " failed: " + e.getMessage());
        }
    }

    private void undoJournal(long size, Throwable failure) {
        try {
            journal.cut(size);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private long apply(WriteBatch batch) {
        for (WriteBatch.Operation operation : batch.operations()) {
            BTreeMap<byte[], byte[]> map = maps.apply(operation.map());
            if (operation.isDelete()) {
                map.remove(operation.key());
            } else {
                map.put(operation.key(), operation.value());
            }
        }
        return batch.operations().size();
    }

    private void fail(List<Pending> group, Throwable e) {
        StoreException failure = new StoreException(StoreException.Kind.COMMIT_FAILED,
                "commit to store " + file + " failed: " + MapDbFiles.rootMessage(e), e);
        group.forEach(pending -> pending.done().completeExceptionally(failure));
    }
}
