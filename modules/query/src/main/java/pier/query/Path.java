package pier.query;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An attribute named in a query, possibly nested ({@code owner.name}).
 *
 * @param names    the attribute names from the record inwards
 * @param position where it starts in the query text
 */
public record Path(List<String> names, int position) {

    /** Copies the names. */
    public Path {
        names = List.copyOf(names);
    }

    /**
     * The value at this path.
     *
     * @param record a record
     * @return the value, or a {@code MissingNode} when any step is absent
     */
    public JsonNode resolve(JsonNode record) {
        JsonNode node = record;
        for (int i = 0; i < names.size(); i++) {
            node = node.path(names.get(i));
        }
        return node;
    }

    /**
     * Whether this is a top-level attribute.
     *
     * @return true for a single name
     */
    /**
     * This path followed by another.
     *
     * @param inner the path inside this one's value
     * @return the joined path, at the inner path's position
     */
    public Path then(Path inner) {
        List<String> joined = new java.util.ArrayList<>(names);
        joined.addAll(inner.names());
        return new Path(joined, inner.position());
    }

    public boolean isTopLevel() {
        return names.size() == 1;
    }

    /**
     * The path as written, names joined with dots.
     *
     * @return the text
     */
    public String text() {
        return String.join(".", names);
    }

    @Override
    public String toString() {
        return text();
    }
}
