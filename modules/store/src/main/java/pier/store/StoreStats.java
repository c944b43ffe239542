package pier.store;

/**
 * Store counters since opening, for metrics and for tests of commit grouping.
 *
 * @param batches    batches acknowledged as durable
 * @param commits    durable commits made; several batches share one commit under load
 * @param operations single puts and deletes applied
 * @param checkpoints checkpoints written (0 for a backend without them)
 * @param checkpointPages pages those checkpoints wrote
 * @param checkpointWaits times commits were held because changes outran checkpoints (how long: {@link
 *                        StoreObserver#commitsHeld})
 */
public record StoreStats(long batches, long commits, long operations, long checkpoints, long checkpointPages,
                         long checkpointWaits) {
}
