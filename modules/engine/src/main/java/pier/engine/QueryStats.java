package pier.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * What queries have cost since the database opened: how many ran, how many index entries they read
 * and how many records they examined (read and tested against the condition).
 *
 * @param queries          queries run
 * @param indexEntriesRead index entries read
 * @param recordsExamined  records read and tested
 */
public record QueryStats(long queries, long indexEntriesRead, long recordsExamined) {

    /** The live counters behind the snapshots. */
    static final class Counters {
        final LongAdder queries = new LongAdder();
        final LongAdder indexEntries = new LongAdder();
        final LongAdder records = new LongAdder();

        QueryStats snapshot() {
            return new QueryStats(queries.sum(), indexEntries.sum(), records.sum());
        }
    }
}
