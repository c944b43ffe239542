package pier.engine;

/**
 * One attribute of a table or nested type.
 *
 * @param name    its name
 * @param type    its type
 * @param role    what the engine does with it beyond validation
 * @param indexed whether {@code @indexed} is declared
 */
record Attribute(String name, AttributeType type, Role role, boolean indexed) {

    /** Attributes the engine fills or treats specially. */
    enum Role {
        PLAIN, PRIMARY_KEY, CREATED_TIME, UPDATED_TIME, EXPIRES_AT
    }
}
