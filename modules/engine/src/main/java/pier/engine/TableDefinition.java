package pier.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import pier.resource.Exposure;

/**
 * A table from the schema.
 *
 * @param name       the table's name ({@code @table(table:)} or the type's name)
 * @param export     how it is served, when exported ({@code @export})
 * @param attributes the declared attributes, in declaration order
 * @param primaryKey the primary key attribute
 * @param sealed     whether undeclared attributes are refused
 * @param expiration how long a record lives after its last write ({@code @table(expiration:)})
 * @param audit      whether each record's changes are indexed, for its history ({@code @table(audit: true)})
 */
record TableDefinition(String name, Optional<Export> export, Map<String, Attribute> attributes,
                       Attribute primaryKey, boolean sealed, Optional<Duration> expiration, boolean audit) {

    /**
     * {@code @export(name:, rest:, mqtt:)}.
     *
     * @param name the path and topic it is served under
     * @param on   the protocols it is reachable on
     */
    record Export(String name, Set<Exposure> on) {
    }

    Optional<String> exportName() {
        return export.map(Export::name);
    }

    Optional<Attribute> withRole(Attribute.Role role) {
        return attributes.values().stream().filter(a -> a.role() == role).findFirst();
    }

    /** Whether records can expire: by the table's expiration, or by a time of their own. */
    boolean expires() {
        return expiration.isPresent() || withRole(Attribute.Role.EXPIRES_AT).isPresent();
    }

    AttributeType.Kind keyKind() {
        return ((AttributeType.Scalar) primaryKey.type()).kind();
    }
}
