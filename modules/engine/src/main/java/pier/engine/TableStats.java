package pier.engine;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one table has done since the database opened, for metrics per table.
 *
 * @param reads           record reads, listings and histories answered
 * @param writes          changes committed (puts, deletes, expiries)
 * @param recordsExamined records its queries read and tested
 * @param subscribers     subscriptions open now (to a record, the table or a live query)
 * @param eventsOut       events offered to its subscriptions
 */
public record TableStats(long reads, long writes, long recordsExamined, long subscribers, long eventsOut) {

    /** The live counters behind the snapshots. */
    static final class Counters {
        final LongAdder reads = new LongAdder();
        final LongAdder writes = new LongAdder();
        final LongAdder examined = new LongAdder();
        final AtomicLong subscribers = new AtomicLong();
        final LongAdder eventsOut = new LongAdder();

        TableStats snapshot() {
            return new TableStats(reads.sum(), writes.sum(), examined.sum(), subscribers.get(), eventsOut.sum());
        }
    }
}
