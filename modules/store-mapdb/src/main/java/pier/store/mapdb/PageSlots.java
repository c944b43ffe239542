package pier.store.mapdb;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Slots for pages by page number, in two levels, so that a few pages of a large file cost little and
 * a look-up never allocates. Slots are added as pages further into the file come; a slot is read and
 * set atomically.
 */
final class PageSlots {

    private static final int LEAF_SHIFT = 10;
    private static final int LEAF_MASK = (1 << LEAF_SHIFT) - 1;

    /** What is done with each page, in page order. */
    interface PageConsumer {
        void accept(long page, byte[] bytes) throws IOException;
    }

    private volatile AtomicReferenceArray<byte[]>[] leaves = newLeaves(0);

    byte[] get(long page) {
        AtomicReferenceArray<byte[]>[] current = leaves;
        long leaf = page >>> LEAF_SHIFT;
        return leaf < current.length ? current[(int) leaf].get(index(page)) : null;
    }

    /** The leaf that holds a page's slot, made if the file has grown past the slots so far. */
    AtomicReferenceArray<byte[]> leaf(long page) {
        int leaf = Math.toIntExact(page >>> LEAF_SHIFT);
        AtomicReferenceArray<byte[]>[] current = leaves;
        if (leaf < current.length) {
            return current[leaf];
        }
        synchronized (this) {
            current = leaves;
            if (leaf >= current.length) {
                AtomicReferenceArray<byte[]>[] grown = newLeaves(Math.max(leaf + 1, current.length * 2));
                System.arraycopy(current, 0, grown, 0, current.length);
                for (int i = current.length; i < grown.length; i++) {
                    grown[i] = new AtomicReferenceArray<>(1 << LEAF_SHIFT);
                }
                leaves = grown;
                current = grown;
            }
            return current[leaf];
        }
    }

    static int index(long page) {
        return (int) (page & LEAF_MASK);
    }

    /** How many slots there are; the clock of {@link CleanPages} goes round them. */
    long size() {
        return (long) leaves.length << LEAF_SHIFT;
    }

    /** Empties a slot; whether it held a page. */
    boolean clear(long page) {
        AtomicReferenceArray<byte[]>[] current = leaves;
        long leaf = page >>> LEAF_SHIFT;
        return leaf < current.length && current[(int) leaf].getAndSet(index(page), null) != null;
    }

    void forEach(PageConsumer consumer) throws IOException {
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
