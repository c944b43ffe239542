package pier.client;

import java.util.List;

/**
 * A table as {@code GET /} describes it.
 *
 * @param name       the table's name, also its path segment
 * @param primaryKey the primary key attribute
 * @param attributes the declared attributes, in schema order
 * @param records    how many records it held when described
 */
public record TableInfo(String name, String primaryKey, List<Attribute> attributes, long records) {

    /**
     * One declared attribute.
     *
     * @param name    its name
     * @param type    its GraphQL type name
     * @param indexed whether queries on it use an index
     */
    public record Attribute(String name, String type, boolean indexed) {
    }

    /** The attribute names with the primary key first: the columns of a record view. */
    public List<String> columns() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(primaryKey),
                attributes.stream().map(Attribute::name).filter(name -> !name.equals(primaryKey))).toList();
    }
}
