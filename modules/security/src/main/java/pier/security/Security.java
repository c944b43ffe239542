package pier.security;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;

/** What the security module asks of the database: its two system tables. */
public final class Security {

    /** The system table of users. */
    public static final String USERS = "$users";
    /** The system table of roles. */
    public static final String ROLES = "$roles";

    /**
     * The system tables, declared in the schema language for the database to create: a user's
     * credential (salted hash) and role names; a role as {@link Role#toJson()} writes it.
     */
    public static final String SYSTEM_TABLES = """
            type User @table(table: "$users") { name: ID @primaryKey  salt: Bytes  hash: Bytes  iterations: Int
                                                generation: String  roles: Any  superUser: Boolean }
            type Role @table(table: "$roles") { name: ID @primaryKey  superUser: Boolean  tables: Any  topics: Any }
            """;

    /** Who the server's own reads and writes of its system tables are made as. */
    static final Principal SERVER = new Principal("pier", true);

    private Security() {
    }

    /** A system table's record, or empty when it has none of that id. */
    static Optional<JsonNode> find(Resource table, String id) {
        try {
            return Optional.of(table.get(Request.of(SERVER, id)).value());
        } catch (ResourceException e) {
            if (e.kind() == ResourceException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
