package pier.store;

/**
 * What an operator sets for a store.
 *
 * @param cacheBytes how much memory the store may keep for its data: pages read and pages changed
 *                   but not yet checkpointed ({@code storage.cacheBytes})
 */
public record StoreOptions(long cacheBytes) {

    /** 256 MiB. */
    public static final StoreOptions DEFAULT = new StoreOptions(256L << 20);

    public StoreOptions {
        if (cacheBytes < 1 << 20) {
            throw new IllegalArgumentException("store.cacheBytes must be at least 1 MiB, not " + cacheBytes);
        }
    }
}
