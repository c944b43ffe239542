package pier.resource;

/** What a role may do with a table or custom resource. */
public enum Permission {
    /** get, query, describe, subscribe, connect. */
    READ,
    /** create a record that does not exist (POST, or PUT/PATCH of a missing id). */
    INSERT,
    /** change a record that exists (PUT/PATCH), or publish a message to it. */
    UPDATE,
    /** delete records. */
    DELETE
}
