package pier.query;

/**
 * {@code limit(n)} or {@code limit(start,end)}: skip {@code offset} results, then return at most {@code count}.
 *
 * @param offset results skipped
 * @param count  results returned at most
 */
public record Limit(long offset, long count) {

    /**
     * How many results must be produced before the limit is met.
     *
     * @return offset plus count, saturated
     */
    public long end() {
        long end = offset + count;
        return end < 0 ? Long.MAX_VALUE : end;
    }
}
