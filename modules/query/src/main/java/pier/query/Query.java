package pier.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A parsed query: an optional condition, an optional {@code select()}, the {@code sort()} keys and
 * an optional {@code limit()}. Parse one with {@link #parse}; the text of every part is kept for errors.
 *
 * @param filter    which records match; empty for all
 * @param selection what of each record is returned; empty for the whole record
 * @param sort      the sort keys, in order of significance; empty for key order
 * @param limit     which slice of the results is returned
 * @param text      the query as written
 */
public record Query(Optional<Filter> filter, Optional<Selection> selection, List<SortKey> sort,
                    Optional<Limit> limit, String text) {

    /** The empty query: every record, whole, in key order. */
    public static final Query ALL = new Query(Optional.empty(), Optional.empty(), List.of(), Optional.empty(), "");

    /** Copies the sort keys. */
    public Query {
        sort = List.copyOf(sort);
    }

    /**
     * Parses a query string as it appears after {@code ?} in a URL (percent-encoded; {@code +} is a plus).
     *
     * @param text the raw query; empty for {@link #ALL}
     * @return the query
     * @throws QueryException naming the position and what was expected
     */
    public static Query parse(String text) {
        return text == null || text.isEmpty() ? ALL : new QueryParser(text).parse();
    }

    /**
     * Whether this is {@link #ALL}.
     *
     * @return true when nothing is filtered, selected, sorted or limited
     */
    public boolean isEmpty() {
        return filter.isEmpty() && selection.isEmpty() && sort.isEmpty() && limit.isEmpty();
    }

    /**
     * Whether a record matches the condition.
     *
     * @param record the record's value
     * @return true when there is no condition or it holds
     */
    public boolean matches(JsonNode record) {
        return filter.isEmpty() || filter.get().matches(record);
    }

    /**
     * What is returned of a record.
     *
     * @param record the record's value
     * @return the selection of it, or the record itself
     */
    public JsonNode project(JsonNode record) {
        return selection.isEmpty() ? record : selection.get().project(record);
    }

    /**
     * The order of {@code sort()} on record values; records lacking a key come after those that have it.
     *
     * @return the comparator (all equal when there are no sort keys)
     */
    public Comparator<JsonNode> order() {
        return (a, b) -> {
            for (SortKey key : sort) {
                JsonNode va = key.attribute().resolve(a);
                JsonNode vb = key.attribute().resolve(b);
                if (va.isMissingNode() || vb.isMissingNode()) {
                    if (va.isMissingNode() && vb.isMissingNode()) {
                        continue;
                    }
                    return va.isMissingNode() ? 1 : -1;
                }
                int c = ValueOrder.compare(va, vb);
                if (c != 0) {
                    return key.descending() ? -c : c;
                }
            }
            return 0;
        };
    }

    /**
     * Every attribute the query names, in the condition, {@code select()} and {@code sort()}.
     *
     * @return the paths, with their positions
     */
    public List<Path> attributes() {
        List<Path> paths = new ArrayList<>();
        filter.ifPresent(f -> collect(f, paths));
        selection.ifPresent(s -> paths.addAll(s.attributes()));
        sort.forEach(k -> paths.add(k.attribute()));
        return paths;
    }

    private static void collect(Filter filter, List<Path> paths) {
        switch (filter) {
            case Filter.Comparison c -> paths.add(c.attribute());
            case Filter.And and -> and.operands().forEach(f -> collect(f, paths));
            case Filter.Or or -> or.operands().forEach(f -> collect(f, paths));
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
