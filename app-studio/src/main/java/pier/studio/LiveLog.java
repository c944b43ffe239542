package pier.studio;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of one subscription between their arrival (on the client's thread) and the screen (on the
 * JavaFX thread, a few times a second). Bounded: when messages come faster than the screen takes them,
 * or while the view is paused, the oldest waiting ones are dropped and counted as skipped, so a flood
 * costs neither memory nor responsiveness.
 */
final class LiveLog<T> {

    private final int capacity;
    private final ArrayDeque<T> waiting;
    private long received;
    private long skipped;

    LiveLog(int capacity) {
        this.capacity = capacity;
        this.waiting = new ArrayDeque<>(capacity);
    }

    /** Called for every message, on the client's thread. */
    synchronized void offer(T message) {
        received++;
        if (waiting.size() == capacity) {
            waiting.removeFirst();
            skipped++;
        }
        waiting.addLast(message);
    }

    /** The messages waiting since the last call, oldest first. */
    synchronized List<T> drain() {
        List<T> batch = new ArrayList<>(waiting);
        waiting.clear();
        return batch;
    }

    /** How many messages arrived in all. */
    synchronized long received() {
        return received;
    }

    /** How many were dropped without being shown. */
    synchronized long skipped() {
        return skipped;
    }

    /** Forgets waiting messages and the counts. */
    synchronized void clear() {
        waiting.clear();
        received = 0;
        skipped = 0;
    }
}
