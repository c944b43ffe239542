package pier.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a node joins its cluster.
 *
 * @param servers          NATS server URLs ({@code nats://host:4222}, {@code tls://…} for TLS)
 * @param node             this node's id: letters, digits, {@code -} and {@code _}; unique in the cluster
 * @param replicas         how many NATS servers hold each stream (3; 1 for a single NATS server)
 * @param user             a NATS user, if the servers want a user and password
 * @param password         that user's password
 * @param changeRetention  how long the stream keeps changes: a node away longer starts over from a snapshot
 * @param messageRetention how long messages that no table keeps (QoS 1 and 2) wait for a node that is away
 */
public record ClusterSettings(List<String> servers, String node, int replicas,
                              Optional<String> user, String password, Duration changeRetention,
                              Duration messageRetention) {

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Checks what NATS and the stream subjects would refuse later, with a clearer message. */
    public ClusterSettings {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one NATS server URL");
        }
        if (!NODE_ID.matcher(node).matches()) {
            throw new IllegalArgumentException("node id '" + node + "': 1 to 64 letters, digits, - or _");
        }
        if (replicas < 1 || replicas > 5) {
            throw new IllegalArgumentException("replicas " + replicas + ": JetStream keeps 1 to 5");
        }
    }

    /**
     * A node of a cluster on these servers, with the defaults: three replicas, changes kept seven days,
     * messages five minutes, no NATS user.
     *
     * @param servers NATS server URLs
     * @param node    this node's id
     * @return the settings
     */
    public static ClusterSettings of(List<String> servers, String node) {
        return new ClusterSettings(servers, node, 3, Optional.empty(), "", Duration.ofDays(7),
                Duration.ofMinutes(5));
    }

    /** @return the same settings with another replica count */
    public ClusterSettings withReplicas(int count) {
        return new ClusterSettings(servers, node, count, user, password, changeRetention,
                messageRetention);
    }

    /** @return the same settings with another change retention */
    public ClusterSettings withChangeRetention(Duration retention) {
        return new ClusterSettings(servers, node, replicas, user, password, retention, messageRetention);
    }

    /** @return the same settings with a NATS user and password (a token goes in the URL: nats://token@host) */
    public ClusterSettings withUser(Optional<String> userName, String userPassword) {
        return new ClusterSettings(servers, node, replicas, userName, userPassword, changeRetention,
                messageRetention);
    }
}
