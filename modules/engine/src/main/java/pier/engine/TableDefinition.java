package pier.engine;

import java.util.Map;
import java.util.Optional;

/**
 * A table from the schema.
 *
 * @param name       the table's name ({@code @table(table:)} or the type's name)
 * @param exportName the path it is served under, when exported ({@code @export(name:)})
 * @param attributes the declared attributes, in declaration order
 * @param primaryKey the primary key attribute
 * @param sealed     whether undeclared attributes are refused
 */
record TableDefinition(String name, Optional<String> exportName, Map<String, Attribute> attributes,
                       Attribute primaryKey, boolean sealed) {

    Optional<Attribute> withRole(Attribute.Role role) {
        return attributes.values().stream().filter(a -> a.role() == role).findFirst();
    }

    AttributeType.Kind keyKind() {
        return ((AttributeType.Scalar) primaryKey.type()).kind();
    }
}
