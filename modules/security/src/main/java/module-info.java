/**
 * Who may do what: users and their credentials, logins (sessions and signed tokens), roles, the policy over tables and topics that every
 * protocol checks, throttling of failed logins, and quotas per user. Users and roles are records of
 * two system tables ({@link pier.security.Security#SYSTEM_TABLES}), written through the database's
 * write path like every record, so they are versioned and in the change feed. Protocols receive what
 * they need of this module through their constructors.
 */
module pier.security {
    requires transitive pier.resource;
    requires com.nimbusds.jose.jwt;

    exports pier.security;
}
