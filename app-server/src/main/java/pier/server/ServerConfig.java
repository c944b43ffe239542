package pier.server;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.sun.management.UnixOperatingSystemMXBean;
import io.helidon.config.Config;
import io.helidon.config.ConfigException;

import pier.cluster.ClusterSettings;
import pier.engine.ChangeFeed;
import pier.protocol.mqtt.MqttSettings;
import pier.store.StoreOptions;

/**
 * The validated settings the server starts with.
 *
 * @param httpHost       the address HTTP listens on
 * @param httpPort       the HTTP port; 0 picks a free one
 * @param dataFolder     where the store keeps its files
 * @param storeBackend   the store provider's name
 * @param store          what the operator set for the store (its cache)
 * @param schema         the schema file, when one is configured (else the sample schema)
 * @param anonymousRole  the role of callers without credentials; empty: they must log in
 * @param sessionLifetime how long a login's session cookie and bearer token last
 * @param maxFailedLogins failed password checks of one client address that close it for the window
 * @param failedLoginWindow how long failed logins count, and how long a closed address waits
 * @param maxConnectionsPerUser connections (MQTT, WebSocket, event stream) one user may hold; super users are exempt
 * @param maxSubscriptionsPerUser MQTT subscriptions one user may hold over its connections
 * @param retention      how long the change feed is kept
 * @param corsOrigins    the origins CORS allows; empty turns CORS off
 * @param mqttPort       the MQTT port (on the HTTP address); 0 turns MQTT off
 * @param mqttsPort      the MQTT over TLS port; 0 turns it off
 * @param mqtt           the broker's limits
 * @param httpsPort      the HTTPS port (same routes as HTTP, the MQTT over TLS certificate); 0 turns it off
 * @param keystore       a PKCS#12 keystore for TLS, or empty for a generated self-signed certificate
 * @param keystorePassword the keystore's password
 * @param sseKeepAlive   how long an event stream may stay silent before a keep-alive comment
 * @param plugins        the folder whose jars are loaded as resource modules
 * @param httpMaxConnections how many HTTP connections (WebSockets and event streams included) may be
 *                       open at once; more wait to be accepted
 * @param cluster        the cluster this node joins, when it is one
 */
record ServerConfig(String httpHost, int httpPort, Path dataFolder, String storeBackend, StoreOptions store,
                    Optional<Path> schema,
                    Optional<String> anonymousRole, Duration sessionLifetime, int maxFailedLogins,
                    Duration failedLoginWindow, int maxConnectionsPerUser, int maxSubscriptionsPerUser,
                    ChangeFeed.FeedRetention retention, List<String> corsOrigins,
                    int mqttPort, int mqttsPort, MqttSettings mqtt, int httpsPort, Optional<Path> keystore, String keystorePassword,
                    Duration sseKeepAlive, Path plugins, int httpMaxConnections,
                    Optional<ClusterSettings> cluster) {

    /**
     * Reads and checks the settings, reporting every problem at once.
     *
     * @throws UsageException naming each invalid setting
     */
    static ServerConfig from(Config config) {
        List<String> problems = new ArrayList<>();
        int port = port(config.get("http.port"), "9926", problems);
        int mqttPort = port(config.get("mqtt.port"), "1883", problems);
        int mqttsPort = port(config.get("mqtts.port"), "8883", problems);
        int httpsPort = port(config.get("https.port"), "0", problems);
        Optional<Path> keystore = config.get("mqtts.keystore").asString().asOptional().map(Path::of);
        keystore.filter(file -> !Files.isReadable(file))
                .ifPresent(file -> problems.add("mqtts.keystore: " + file.toAbsolutePath() + " cannot be read"));
        Optional<Path> schema = config.get("schema.file").asString().asOptional().map(Path::of);
        schema.filter(file -> !Files.isReadable(file))
                .ifPresent(file -> problems.add("schema.file: " + file.toAbsolutePath() + " cannot be read"));
        Optional<String> anonymousRole = config.get("authentication.anonymousRole").asString().asOptional()
                .filter(role -> !role.isBlank());
        int httpMaxConnections = count(config.get("http.maxConnections"), defaultMaxConnections(), problems);
        ChangeFeed.FeedRetention retention = retention(config.get("feed"), problems);
        StoreOptions store = storeOptions(config.get("storage.cacheBytes"), problems);
        Duration sseKeepAlive = duration(config.get("http.sse.keepAlive"), Duration.ofSeconds(15), problems);
        Duration sessionLifetime = duration(config.get("authentication.sessionLifetime"), Duration.ofHours(12),
                problems);
        int maxFailedLogins = count(config.get("authentication.maxFailedLogins"), 10, problems);
        Duration failedLoginWindow = duration(config.get("authentication.failedLoginWindow"), Duration.ofMinutes(1),
                problems);
        int maxConnectionsPerUser = count(config.get("limits.connectionsPerUser"), 1_000, problems);
        int maxSubscriptionsPerUser = count(config.get("limits.subscriptionsPerUser"), 10_000, problems);
        int maxKeepAlive = count(config.get("mqtt.maxKeepAlive"), 3_600, problems);
        if (maxKeepAlive > 65_535) {
            problems.add("mqtt.maxKeepAlive: " + maxKeepAlive + " is more than MQTT's largest keep-alive, 65535 seconds");
        }
        int stallLimit = count(config.get("mqtt.stallLimit"), 10, problems);
        Optional<ClusterSettings> cluster = cluster(config.get("cluster"), problems);
        if (!problems.isEmpty()) {
            throw new UsageException(String.join("; ", problems));
        }
        return new ServerConfig(config.get("http.host").asString().orElse("127.0.0.1"), port,
                Path.of(config.get("storage.path").asString().orElse("pier-data")),
                config.get("storage.backend").asString().orElse("mapdb"), store, schema, anonymousRole, sessionLifetime, maxFailedLogins,
                failedLoginWindow, maxConnectionsPerUser, maxSubscriptionsPerUser, retention,
                list(config.get("http.cors.origins")), mqttPort, mqttsPort,
                MqttSettings.DEFAULT.withMaxKeepAlive(Duration.ofSeconds(maxKeepAlive))
                        .withStallLimit(Duration.ofSeconds(stallLimit)), httpsPort, keystore,
                config.get("mqtts.keystorePassword").asString().orElse(""), sseKeepAlive,
                Path.of(config.get("plugins.folder").asString().orElse("plugins")), httpMaxConnections, cluster);
    }

    // a node of a cluster when NATS servers are named; then it needs its own id
    private static Optional<ClusterSettings> cluster(Config node, List<String> problems) {
        List<String> servers = list(node.get("servers"));
        if (servers.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> id = node.get("nodeId").asString().asOptional().filter(v -> !v.isBlank());
        if (id.isEmpty()) {
            problems.add("cluster.nodeId: a node of a cluster needs its id (--node-id a)");
            return Optional.empty();
        }
        try {
            return Optional.of(ClusterSettings.of(servers, id.get())
                    .withReplicas(count(node.get("replicas"), 3, problems))
                    .withChangeRetention(duration(node.get("changeRetention"), Duration.ofDays(7), problems))
                    .withUser(node.get("user").asString().asOptional(), node.get("password").asString().orElse("")));
        } catch (IllegalArgumentException e) {
            problems.add("cluster: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Nine tenths of the process's file descriptor limit, less a reserve for the store, MQTT and logs:
     * running out of descriptors would end HTTP listening altogether.
     */
    private static int defaultMaxConnections() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                && unix.getMaxFileDescriptorCount() > 0) {
            return (int) Math.max(64, Math.min(Integer.MAX_VALUE, unix.getMaxFileDescriptorCount() * 9 / 10 - 256));
        }
        return 10_000;
    }

    private static Duration duration(Config node, Duration otherwise, List<String> problems) {
        try {
            return node.as(Duration.class).orElse(otherwise);
        } catch (ConfigException e) {
            problems.add(node.key() + ": " + e.getMessage() + " (an ISO-8601 duration, e.g. PT1M)");
            return otherwise;
        }
    }

    // a YAML list, or one comma-separated string from a flag or the environment
    private static List<String> list(Config node) {
        List<String> values = node.isLeaf() ? List.of(node.asString().orElse("").split(","))
                : node.asList(String.class).orElse(List.of());
        return values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }


    private static ChangeFeed.FeedRetention retention(Config feed, List<String> problems) {
        ChangeFeed.FeedRetention defaults = ChangeFeed.FeedRetention.DEFAULT;
        try {
            return new ChangeFeed.FeedRetention(feed.get("maxEntries").asLong().orElse(defaults.maxEntries()),
                    feed.get("maxAge").as(Duration.class).orElse(defaults.maxAge()),
                    feed.get("pruneInterval").as(Duration.class).orElse(defaults.pruneInterval()));
        } catch (ConfigException e) {
            problems.add("feed: " + e.getMessage() + " (durations are ISO-8601, e.g. PT24H)");
            return defaults;
        }
    }

    // the store's memory lives in the heap: by default a quarter of it, 256 MiB at most; never more than half
    private static StoreOptions storeOptions(Config node, List<String> problems) {
        long heap = Runtime.getRuntime().maxMemory();
        long cacheBytes = bytes(node, Math.max(1 << 20, Math.min(StoreOptions.DEFAULT.cacheBytes(), heap / 4)),
                problems);
        if (cacheBytes > heap / 2) {
            problems.add(node.key() + ": " + (cacheBytes >> 20) + " MiB is more than half the heap (" + (heap >> 20)
                    + " MiB): lower it, or give the server a larger heap (PIER_JAVA_OPTS=-Xmx…)");
        }
        return new StoreOptions(cacheBytes);
    }

    // a size in bytes, or with k, m or g (powers of 1024); at least a megabyte
    private static long bytes(Config node, long otherwise, List<String> problems) {
        String text = node.asString().orElse(Long.toString(otherwise)).strip().toLowerCase(java.util.Locale.ROOT);
        int shift = text.endsWith("k") ? 10 : text.endsWith("m") ? 20 : text.endsWith("g") ? 30 : 0;
        try {
            long size = Long.parseLong(shift == 0 ? text : text.substring(0, text.length() - 1)) << shift;
            if (size >= 1 << 20) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(node.key() + ": '" + text + "' is not a size of at least a megabyte (e.g. 268435456, 256m, 1g)");
        return otherwise;
    }

    private static int count(Config node, int otherwise, List<String> problems) {
        String text = node.asString().orElse(Integer.toString(otherwise));
        try {
            int count = Integer.parseInt(text.strip());
            if (count > 0) {
                return count;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(node.key() + ": '" + text + "' is not a positive number");
        return otherwise;
    }

    private static int port(Config node, String otherwise, List<String> problems) {
        String text = node.asString().orElse(otherwise);
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(node.key() + ": '" + text + "' is not a port number (0-65535)");
        return -1;
    }
}
