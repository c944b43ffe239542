package pier.store;

/**
 * Store counters since opening, for metrics and for tests of commit grouping.
 *
 * @param batches    batches acknowledged as durable
 * @param commits    durable commits made; several batches share one commit under load
 * @param operations single puts and deletes applied
 */
public record StoreStats(long batches, long commits, long operations) {
}
