package pier.server;

/**
 * The settings that can be given on the command line or in the environment, each mapped to its key in
 * the configuration file. Command line beats environment beats file beats default.
 */
enum LaunchOption {
    CONFIG("--config", "PIER_CONFIG", null, "FILE", "configuration file (default: pier-config.yaml if present)"),
    DATA("--data", "PIER_DATA", "storage.path", "DIR", "data folder (default: ./pier-data)"),
    CACHE_BYTES("--cache-bytes", "PIER_CACHE_BYTES", "storage.cacheBytes", "SIZE",
            "memory for the store's pages (read and changed), e.g. 512m (default: a quarter of the heap, 256m at most)"),
    SCHEMA("--schema", "PIER_SCHEMA", "schema.file", "FILE", "schema file (default: the sample schema)"),
    HTTP_HOST("--http-host", "PIER_HTTP_HOST", "http.host", "ADDRESS", "HTTP address (default: 127.0.0.1)"),
    HTTP_PORT("--http-port", "PIER_HTTP_PORT", "http.port", "N", "HTTP port, 0 for any free one (default: 9926)"),
    HTTPS_PORT("--https-port", "PIER_HTTPS_PORT", "https.port", "N",
            "HTTPS port (TLS 1.2/1.3, the certificate of MQTT over TLS), 0 turns it off (default: 0)"),
    HTTP_MAX_CONNECTIONS("--http-max-connections", "PIER_HTTP_MAX_CONNECTIONS", "http.maxConnections", "N",
            "HTTP connections open at once, more wait (default: 9/10 of the file limit - 256)"),
    MQTT_PORT("--mqtt-port", "PIER_MQTT_PORT", "mqtt.port", "N", "MQTT port, 0 turns MQTT off (default: 1883)"),
    MQTT_MAX_KEEP_ALIVE("--mqtt-max-keep-alive", "PIER_MQTT_MAX_KEEP_ALIVE", "mqtt.maxKeepAlive", "SECONDS",
            "longest MQTT keep-alive granted; longer or none is cut to it (v5: Server Keep Alive) (default: 3600)"),
    MQTT_STALL_LIMIT("--mqtt-stall-limit", "PIER_MQTT_STALL_LIMIT", "mqtt.stallLimit", "SECONDS",
            "how long an MQTT client that falls behind may hold up its publishers before it is disconnected "
                    + "(default: 10)"),
    MQTTS_PORT("--mqtts-port", "PIER_MQTTS_PORT", "mqtts.port", "N", "MQTT over TLS port, 0 turns it off (default: 8883)"),
    MQTTS_KEYSTORE("--mqtts-keystore", "PIER_MQTTS_KEYSTORE", "mqtts.keystore", "FILE",
            "PKCS#12 keystore for TLS (default: a self-signed certificate made in DIR/tls)"),
    MQTTS_KEYSTORE_PASSWORD("--mqtts-keystore-password", "PIER_MQTTS_KEYSTORE_PASSWORD", "mqtts.keystorePassword",
            "SECRET", "password of --mqtts-keystore"),
    CORS_ORIGINS("--cors-origins", "PIER_CORS_ORIGINS", "http.cors.origins", "LIST",
            "origins allowed by CORS, comma separated, * for any (default: CORS off)"),
    PLUGINS("--plugins", "PIER_PLUGINS", "plugins.folder", "DIR",
            "folder of resource modules (jars) to load (default: ./plugins, if present)"),
    SESSION_LIFETIME("--session-lifetime", "PIER_SESSION_LIFETIME", "authentication.sessionLifetime", "DURATION",
            "how long a login (cookie and bearer token) lasts, ISO-8601 (default: PT12H)"),
    MAX_FAILED_LOGINS("--max-failed-logins", "PIER_MAX_FAILED_LOGINS", "authentication.maxFailedLogins", "N",
            "failed logins of one client address that close it for a while (default: 10)"),
    FAILED_LOGIN_WINDOW("--failed-login-window", "PIER_FAILED_LOGIN_WINDOW", "authentication.failedLoginWindow",
            "DURATION", "how long failed logins count and a closed address waits, ISO-8601 (default: PT1M)"),
    MAX_CONNECTIONS_PER_USER("--max-connections-per-user", "PIER_MAX_CONNECTIONS_PER_USER", "limits.connectionsPerUser",
            "N", "MQTT, WebSocket and event stream connections one user may hold (default: 1000; super users: any)"),
    MAX_SUBSCRIPTIONS_PER_USER("--max-subscriptions-per-user", "PIER_MAX_SUBSCRIPTIONS_PER_USER",
            "limits.subscriptionsPerUser", "N", "MQTT subscriptions one user may hold (default: 10000; super users: any)"),
    ANONYMOUS_ROLE("--anonymous-role", "PIER_ANONYMOUS_ROLE", "authentication.anonymousRole", "ROLE",
            "the role of callers without credentials (default: none, they must log in)"),
    CLUSTER("--cluster", "PIER_CLUSTER", "cluster.servers", "URLS",
            "NATS servers of the cluster, comma separated (nats://host:4222, tls://…) (default: no cluster)"),
    NODE_ID("--node-id", "PIER_NODE_ID", "cluster.nodeId", "ID",
            "this node's id in the cluster: letters, digits, - and _ (needed with --cluster)"),
    CLUSTER_REPLICAS("--cluster-replicas", "PIER_CLUSTER_REPLICAS", "cluster.replicas", "N",
            "NATS servers that hold each of the cluster's streams, 1 for a single NATS server (default: 3)"),
    CLUSTER_RETENTION("--cluster-retention", "PIER_CLUSTER_RETENTION", "cluster.changeRetention", "DURATION",
            "how long the cluster's log keeps changes; a node away longer starts over from a snapshot, ISO-8601 "
                    + "(default: P7D)"),
    CLUSTER_USER("--cluster-user", "PIER_CLUSTER_USER", "cluster.user", "USER",
            "NATS user name (a token goes in the URL: nats://TOKEN@host:4222)"),
    CLUSTER_PASSWORD("--cluster-password", "PIER_CLUSTER_PASSWORD", "cluster.password", "SECRET",
            "NATS user's password");

    private final String flag;
    private final String environmentVariable;
    private final String configKey;
    private final String argument;
    private final String description;

    LaunchOption(String flag, String environmentVariable, String configKey, String argument, String description) {
        this.flag = flag;
        this.environmentVariable = environmentVariable;
        this.configKey = configKey;
        this.argument = argument;
        this.description = description;
    }

    String flag() {
        return flag;
    }

    String environmentVariable() {
        return environmentVariable;
    }

    /** The configuration key, or null for the option that names the configuration file itself. */
    String configKey() {
        return configKey;
    }

    String usage() {
        return String.format("  %-30s %-22s %s", flag + " " + argument, environmentVariable, description);
    }
}
