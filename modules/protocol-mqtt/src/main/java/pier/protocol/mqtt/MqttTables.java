package pier.protocol.mqtt;

import pier.resource.Principal;
import pier.resource.SystemTables;

/**
 * The broker's durable state in the database: retained messages of plain topics and durable sessions,
 * each in a system table that this module declares, and the messages sessions wait for, in the feed.
 */
public final class MqttTables {

    /** The system table of retained messages of plain topics, keyed by topic. */
    static final String RETAINED = "$mqtt_retained";
    /** The system table of durable sessions, keyed by client id. */
    /** Durable sessions: a node's own, never replicated to the other nodes of a cluster. */
    public static final String SESSIONS = "$mqtt_sessions";

    /** The system tables, in the schema language, for the database to create. */
    public static final String SYSTEM_TABLES = """
            type MqttRetained @table(table: "$mqtt_retained") { topic: ID @primaryKey  message: Any }
            type MqttSession @table(table: "$mqtt_sessions") { clientId: ID @primaryKey  session: Any }
            """;

    /** Who the broker's own reads and writes of its tables are made as. */
    static final Principal SERVER = new Principal("pier", true);

    private MqttTables() {
    }

    /**
     * @param system the database's system tables, {@link #SYSTEM_TABLES} among them
     * @return the retained messages of plain topics, kept there
     */
    public static RetainedStore retained(SystemTables system) {
        return new TableRetainedStore(system.systemTable(RETAINED));
    }

    /**
     * @param system the database's system tables, {@link #SYSTEM_TABLES} among them
     * @return durable sessions, kept there
     */
    public static SessionStore sessions(SystemTables system) {
        return new TableSessionStore(system);
    }
}
