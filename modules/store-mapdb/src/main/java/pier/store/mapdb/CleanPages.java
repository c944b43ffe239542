package pier.store.mapdb;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pages as the MapDB file holds them, kept after a read so that the next read of the page costs no
 * system call; bounded, dropped round a clock. Readers add pages they read from the file only where
 * none is kept; a checkpoint replaces the pages it wrote. Dropping a page is always safe: the file
 * has it.
 */
final class CleanPages {

    private final int capacity;
    private final PageSlots slots = new PageSlots();
    private final AtomicInteger count = new AtomicInteger();
    private final ReentrantLock evicting = new ReentrantLock();
    private long hand;

    CleanPages(long bytes) {
        this.capacity = (int) Math.max(16, bytes / PageTable.PAGE_SIZE);
    }

    byte[] get(long page) {
        return slots.get(page);
    }

    /** Keeps a page read from the file, unless one is kept already (it may be a checkpoint's, newer). */
    void offer(long page, byte[] bytes) {
        if (slots.leaf(page).compareAndSet(PageSlots.index(page), null, bytes)) {
            added();
        }
    }

    /** Keeps a page a checkpoint has just written into the file. */
    void replace(long page, byte[] bytes) {
        if (slots.leaf(page).getAndSet(PageSlots.index(page), bytes) == null) {
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
        long size = slots.size();
        for (long visited = 0; count.get() > keep && visited < size; visited++) {
            hand = (hand + 1) % size;
            if (slots.clear(hand)) {
                count.decrementAndGet();
            }
        }
    }
}
