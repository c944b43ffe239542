package pier.store.mapdb;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Pages of the MapDB file by page number, for the pages changed since a checkpoint. One thread puts
 * pages (the committer); any thread may read them. A page, once put, is only changed in place.
 */
final class PageTable {

    static final int PAGE_SHIFT = 12;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    static final PageTable EMPTY = new PageTable();

    private static final int LEAF_SHIFT = 10;
    private static final int LEAF_MASK = (1 << LEAF_SHIFT) - 1;

    /** What a checkpoint does with each page, in page order. */
    interface PageConsumer {
        void accept(long page, byte[] bytes) throws java.io.IOException;
    }

    // two levels, so that a sparse set of pages in a large file costs little and lookups never allocate
    private volatile AtomicReferenceArray<byte[]>[] leaves = newLeaves(0);
    private volatile int count;

    byte[] get(long page) {
        AtomicReferenceArray<byte[]>[] current = leaves;
        long leaf = page >>> LEAF_SHIFT;
        return leaf < current.length ? current[(int) leaf].get((int) (page & LEAF_MASK)) : null;
    }

    /** Puts a page not yet in the table; only the committer calls this. */
    void put(long page, byte[] bytes) {
        int leaf = Math.toIntExact(page >>> LEAF_SHIFT);
        AtomicReferenceArray<byte[]>[] current = leaves;
        if (leaf >= current.length) {
            AtomicReferenceArray<byte[]>[] grown = newLeaves(Math.max(leaf + 1, current.length * 2));
            System.arraycopy(current, 0, grown, 0, current.length);
            for (int i = current.length; i < grown.length; i++) {
                grown[i] = new AtomicReferenceArray<>(1 << LEAF_SHIFT);
            }
            leaves = grown;
            current = grown;
        }
        current[leaf].set((int) (page & LEAF_MASK), bytes);
        count++;
    }

    int count() {
        return count;
    }

    long bytes() {
        return (long) count * PAGE_SIZE;
    }

    /** Gives every page to the consumer, in page order. */
    void forEach(PageConsumer consumer) throws java.io.IOException {
        AtomicReferenceArray<byte[]>[] current = leaves;
        for (int leaf = 0; leaf < current.length; leaf++) {
            for (int slot = 0; slot <= LEAF_MASK; slot++) {
                byte[] bytes = current[leaf].get(slot);
                if (bytes != null) {
                    consumer.accept(((long) leaf << LEAF_SHIFT) + slot, bytes);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static AtomicReferenceArray<byte[]>[] newLeaves(int size) {
        return new AtomicReferenceArray[size];
    }
}
