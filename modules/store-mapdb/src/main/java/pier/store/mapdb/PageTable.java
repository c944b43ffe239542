package pier.store.mapdb;

import java.io.IOException;

/**
 * Pages of the MapDB file by page number, for the pages changed since a checkpoint. One thread puts
 * pages (the committer); any thread may read them. A page, once put, is only changed in place.
 */
final class PageTable {

    static final int PAGE_SHIFT = 12;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    static final PageTable EMPTY = new PageTable();

    private final PageSlots slots = new PageSlots();
    private volatile int count;

    byte[] get(long page) {
        return slots.get(page);
    }

    /** Puts a page not yet in the table; only the committer calls this. */
    void put(long page, byte[] bytes) {
        slots.leaf(page).set(PageSlots.index(page), bytes);
        count++;
    }

    int count() {
        return count;
    }

    long bytes() {
        return (long) count * PAGE_SIZE;
    }

    /** Gives every page to the consumer, in page order. */
    void forEach(PageSlots.PageConsumer consumer) throws IOException {
        slots.forEach(consumer);
    }
}
