package pier.store.mapdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import pier.store.StoreObserver;
import pier.store.StoreStats;

/**
 * Takes checkpoints on its own thread while commits go on. The committer asks after each commit;
 * when enough pages have changed (or the journal has grown enough) it freezes them and rolls the
 * journal, both between commits and in no time, and this thread writes the frozen pages to the
 * checkpoint file, then into the MapDB file, then deletes the journal segments they cover. A commit
 * only waits when changes outrun checkpoints by the whole page budget.
 */
final class Checkpointer implements AutoCloseable {

    /** Journal size that makes a checkpoint due; {@code -Dpier.mapdb.checkpointBytes} changes it. */
    static final long JOURNAL_BYTES = Long.getLong("pier.mapdb.checkpointBytes", 32L << 20);
    /** Operations in the journal that make a checkpoint due: they bound what a restart replays. */
    static final long JOURNAL_OPERATIONS = 50_000;
    private static final System.Logger LOG = System.getLogger(Checkpointer.class.getName());

    private final PagedVolume volume;
    private final Journal journal;
    private final Checkpoints checkpoints;
    private final long pageBudget;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("pier-store-checkpointer").daemon().factory());
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong pages = new AtomicLong();
    private final AtomicLong waits = new AtomicLong();
    private CompletableFuture<Void> running = CompletableFuture.completedFuture(null);
    private PageTable inFlight = PageTable.EMPTY;
    private volatile int lastPages;
    private volatile boolean halted;
    private volatile StoreObserver observer = StoreObserver.NONE;

    /**
     * @param cacheBytes the store's memory; changed pages (those being checkpointed and those changed
     *                   since) may take half of it
     */
    Checkpointer(PagedVolume volume, Journal journal, Checkpoints checkpoints, long cacheBytes) {
        this.volume = volume;
        this.journal = journal;
        this.checkpoints = checkpoints;
        this.pageBudget = Math.max(cacheBytes / 2, 4L * PageTable.PAGE_SIZE);
    }

    /** On the committer, between commits: starts a checkpoint when one is due and none runs. */
    void afterCommit() throws IOException {
        if (halted || volume.changedBytes() < pageBudget / 2 && journal.size() < JOURNAL_BYTES
                && journal.operations() < JOURNAL_OPERATIONS) {
            return;
        }
        if (!running.isDone()) {
            if (volume.changedBytes() < pageBudget) {
                return;
            }
            // changes outrun checkpoints: hold commits until the running one ends
            long held = System.nanoTime();
            running.exceptionally(failure -> null).join();
            long heldFor = System.nanoTime() - held;
            waits.incrementAndGet();
            observer.commitsHeld(heldFor);
        }
        settle();
        start();
    }

    /** Writes every change so far into the MapDB file and waits; for closing and after recovery. */
    void flush() throws IOException {
        running.exceptionally(failure -> null).join();
        if (halted) {
            return;
        }
        settle();
        start();
        try {
            running.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof UncheckedIOException io ? io.getCause() : new IOException(e.getCause());
        }
    }

    /** Takes no more checkpoints: the changed pages hold a commit applied in part. On the committer. */
    void halt() {
        halted = true;
    }

    /** Pages the last checkpoint wrote. */
    int lastPages() {
        return lastPages;
    }

    void observe(StoreObserver observer) {
        this.observer = observer;
    }

    /** Adds the checkpoints' counters to the committer's. */
    StoreStats stats(long batches, long commits, long operations) {
        return new StoreStats(batches, commits, operations, taken.get(), pages.get(), waits.get());
    }

    @Override
    public void close() {
        thread.close();
    }

    private void settle() throws IOException {
        if (running.isCompletedExceptionally()) {
            // the journal still covers these pages; the next checkpoint writes them
            volume.unfreeze(inFlight);
        }
        inFlight = PageTable.EMPTY;
    }

    private void start() throws IOException {
        long through = journal.roll();
        long length = volume.length();
        PageTable pages = volume.freeze();
        inFlight = pages;
        running = CompletableFuture.runAsync(() -> write(pages, length, through), thread);
    }

    private void write(PageTable pages, long length, long through) {
        try {
            long started = System.nanoTime();
            checkpoints.write(pages, length, through);
            volume.writeToFile(pages, length);
            journal.deleteThrough(through);
            checkpoints.clear();
            lastPages = pages.count();
            taken.incrementAndGet();
            this.pages.addAndGet(pages.count());
            long took = System.nanoTime() - started;
            observer.checkpointed(took, pages.count());
            LOG.log(System.Logger.Level.DEBUG, "checkpoint of {0} pages in {1} ms", pages.count(), took / 1_000_000);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "checkpoint failed, the journal still holds its changes: "
                    + e.getMessage());
            throw new UncheckedIOException(e);
        }
    }
}
