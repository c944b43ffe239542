package pier.store;

/**
 * Hears what a store's commits and checkpoints take, for latency and size histograms. Called on the
 * store's own threads, after the work it reports: it must be quick and must not block.
 */
public interface StoreObserver {

    /** Hears nothing. */
    StoreObserver NONE = new StoreObserver() {
    };

    /**
     * A commit made its batches durable.
     *
     * @param nanos   how long the commit took: journal write and sync, apply, commit
     * @param batches how many batches it made durable together
     */
    default void committed(long nanos, int batches) {
    }

    /**
     * A batch became durable.
     *
     * @param nanos how long its writer waited, from submitting it to its durability
     */
    default void batchDurable(long nanos) {
    }

    /**
     * Commits were held because changes outran checkpoints, until the running checkpoint ended.
     *
     * @param nanos how long
     */
    default void commitsHeld(long nanos) {
    }

    /**
     * A checkpoint was written.
     *
     * @param nanos how long it took
     * @param pages how many pages it wrote
     */
    default void checkpointed(long nanos, long pages) {
    }
}
