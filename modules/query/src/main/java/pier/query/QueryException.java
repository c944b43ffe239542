package pier.query;

/** A query that cannot be parsed: says where and what was expected there. */
public final class QueryException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int position;

    QueryException(String problem, int position) {
        super(problem + " at position " + position);
        this.position = position;
    }

    /**
     * Where in the query text the problem is (0 is the first character after {@code ?}).
     *
     * @return the position
     */
    public int position() {
        return position;
    }
}
