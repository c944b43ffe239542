/**
 * REST and GraphQL for Pier on Helidon SE: translates HTTP requests into {@link pier.resource.Resource}
 * calls and their results (or {@link pier.resource.ResourceException}s) back into responses. Knows nothing
 * of tables or storage beyond what resources describe of themselves.
 */
module pier.protocol.http {
    requires transitive pier.resource;
    requires transitive pier.security;
    requires pier.query;
    requires com.graphqljava;
    requires transitive pier.protocol;
    requires transitive io.helidon.webserver.websocket;
    requires io.helidon.websocket;
    requires transitive io.helidon.webserver;
    requires io.helidon.http;
    requires java.logging;
    requires io.helidon.common.buffers;

    exports pier.protocol.http;
}
