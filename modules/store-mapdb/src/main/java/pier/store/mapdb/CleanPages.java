package pier.store.mapdb;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pages as the MapDB file holds them, kept after a read so that the next read of the page costs no
 * system call; bounded, the oldest-visited go first (a clock). Readers add pages they read from the
 * file only where none is cached; a checkpoint replaces the pages it wrote. Dropping a page is always
 * safe: the file has it.
 */
final class CleanPages {

    private static final int LEAF_SHIFT = 10;
    private static final int LEAF_MASK = (1 << LEAF_SHIFT) - 1;

    private final int capacity;
    private final AtomicInteger count = new AtomicInteger();
    private final ReentrantLock evicting = new ReentrantLock();
    private volatile AtomicReferenceArray<byte[]>[] leaves = newLeaves(0);
    private long hand;

    CleanPages(long bytes) {
        this.capacity = (int) Math.max(16, bytes / PageTable.PAGE_SIZE);
    }

    byte[] get(long page) {
        AtomicReferenceArray<byte[]>[] current = leaves;
        long leaf = page >>> LEAF_SHIFT;
        return leaf < current.length ? current[(int) leaf].get((int) (page & LEAF_MASK)) : null;
    }

    /** Keeps a page read from the file, unless one is kept already (it may be a checkpoint's, newer). */
    void offer(long page, byte[] bytes) {
        if (leaf(page).compareAndSet((int) (page & LEAF_MASK), null, bytes)) {
            added();
        }
    }

    /** Keeps a page a checkpoint has just written into the file. */
    void replace(long page, byte[] bytes) {
        if (leaf(page).getAndSet((int) (page & LEAF_MASK), bytes) == null) {
            added();
        }
    }

    private void added() {
        if (count.incrementAndGet() > capacity && evicting.tryLock()) {
            try {
                evict(capacity - capacity / 8);
            } finally {
                evicting.unlock();
            }
        }
    }

    private void evict(int keep) {
        AtomicReferenceArray<byte[]>[] current = leaves;
        long slots = (long) current.length << LEAF_SHIFT;
        for (long visited = 0; count.get() > keep && visited < slots; visited++) {
            hand = (hand + 1) % slots;
            if (current[(int) (hand >>> LEAF_SHIFT)].getAndSet((int) (hand & LEAF_MASK), null) != null) {
                count.decrementAndGet();
            }
        }
    }

    private AtomicReferenceArray<byte[]> leaf(long page) {
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

    @SuppressWarnings("unchecked")
    private static AtomicReferenceArray<byte[]>[] newLeaves(int size) {
        return new AtomicReferenceArray[size];
    }
}
