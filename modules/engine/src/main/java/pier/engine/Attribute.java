package pier.engine;

/**
 * One attribute of a table or nested type.
 *
 * @param name    its name
 * @param type    its type
 * @param role    what the engine does with it beyond validation
 * @param indexed  whether {@code @indexed} is declared
 * @param computed its expression, for {@code @computed(from:)}
 */
record Attribute(String name, AttributeType type, Role role, boolean indexed, java.util.Optional<Expression> computed) {

    Attribute(String name, AttributeType type, Role role, boolean indexed) {
        this(name, type, role, indexed, java.util.Optional.empty());
    }

    /** Attributes the engine fills or treats specially. */
    enum Role {
        PLAIN, PRIMARY_KEY, CREATED_TIME, UPDATED_TIME, EXPIRES_AT
    }
}
