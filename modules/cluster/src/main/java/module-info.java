/**
 * Pier nodes as one database: each node ships its changes from its persisted feed into a NATS JetStream
 * stream and applies everyone's changes from it, last writer wins; messages no table keeps cross nodes
 * through NATS too. Only the server requires it, and only when it is started with a cluster.
 */
module pier.cluster {
    requires pier.engine;
    requires io.nats.jnats;

    exports pier.cluster;
}
