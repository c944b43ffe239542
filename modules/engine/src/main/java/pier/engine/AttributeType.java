package pier.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The type of an attribute: a scalar, a list of a type, or a nested object with its own attributes.
 * {@code required} comes from GraphQL's {@code !}.
 */
sealed interface AttributeType permits AttributeType.Scalar, AttributeType.ListOf, AttributeType.ObjectOf,
        AttributeType.Joined {

    boolean required();

    /** A scalar of the schema language. */
    record Scalar(Kind kind, boolean required) implements AttributeType {
    }

    /** {@code [T]}. */
    record ListOf(AttributeType element, boolean required) implements AttributeType {
    }

    /** A non-table type used as a nested object. */
    record ObjectOf(String name, Map<String, Attribute> attributes, boolean sealed, boolean required)
            implements AttributeType {
    }

    /**
     * A relationship ({@code @relationship}): records of another table, joined when a query names it,
     * never stored.
     *
     * @param table the related table's name
     * @param from  many-to-one: this table's attribute that holds the related record's primary key
     * @param to    one-to-many: the related table's attribute that holds this record's primary key
     */
    record Joined(String table, Optional<String> from, Optional<String> to) implements AttributeType {
        @Override
        public boolean required() {
            return false;
        }

        boolean many() {
            return to.isPresent();
        }
    }

    /** The scalars. */
    enum Kind {
        ID, STRING, INT, LONG, FLOAT, BOOLEAN, ANY, BYTES, DATE, BIG_INT, BLOB;

        static Optional<Kind> named(String name) {
            return switch (name) {
                case "ID" -> Optional.of(ID);
                case "String" -> Optional.of(STRING);
                case "Int" -> Optional.of(INT);
                case "Long" -> Optional.of(LONG);
                case "Float" -> Optional.of(FLOAT);
                case "Boolean" -> Optional.of(BOOLEAN);
                case "Any" -> Optional.of(ANY);
                case "Bytes" -> Optional.of(BYTES);
                case "Blob" -> Optional.of(BLOB);
                case "Date" -> Optional.of(DATE);
                case "BigInt" -> Optional.of(BIG_INT);
                default -> Optional.empty();
            };
        }

        String schemaName() {
            return List.of("ID", "String", "Int", "Long", "Float", "Boolean", "Any", "Bytes", "Date", "BigInt",
                    "Blob").get(ordinal());
        }
    }
}
