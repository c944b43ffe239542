/**
 * The Pier server: reads the configuration, opens the store and the database, and serves REST with
 * health and metrics. The composition root; exports nothing.
 */
module pier.server {
    requires pier.codec;
    requires pier.store;
    requires pier.engine;
    requires pier.security;
    requires pier.protocol.http;
    requires pier.protocol.mqtt;
    requires pier.plugins;
    requires pier.cluster;
    requires io.helidon.webserver;
    requires io.helidon.common.socket;
    requires io.helidon.common.tls;
    requires io.helidon.webserver.cors;
    requires io.helidon.webserver.observe;
    requires io.helidon.webserver.observe.health;
    requires io.helidon.webserver.observe.metrics;
    requires io.helidon.health;
    requires io.helidon.metrics.api;
    requires io.helidon.config;
    requires io.helidon.config.yaml;
    requires io.helidon.logging.common;
    // the file descriptor limit, which bounds HTTP connections
    requires jdk.management;
    // sun.misc.Signal: SIGTERM must end in an orderly stop with exit status 0
    requires jdk.unsupported;
}
