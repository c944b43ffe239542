/**
 * Pier's database engine: tables defined by a GraphQL schema, records stored once as CBOR with a
 * version and a feed sequence, the durable change feed, subscriptions, and the users table. Tables are
 * {@link pier.resource.Resource}s; protocols never see this module.
 */
module pier.engine {
    requires transitive pier.resource;
    requires pier.query;
    requires pier.store;
    requires com.graphqljava;

    exports pier.engine;
}
