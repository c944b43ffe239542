package pier.cluster;

import java.time.Instant;
import java.util.Optional;

/**
 * Where replication stands on this node, for health checks and logs.
 *
 * @param node          this node's id
 * @param connected     whether NATS is reachable now
 * @param state         what the node is doing: {@code joining}, {@code snapshot}, {@code replicating},
 *                      {@code refused} (its schema differs from the cluster's)
 * @param toShip        this node's changes not yet held by the cluster
 * @param applied       the position in the cluster's log up to which changes are applied here
 * @param lagChanges    changes in the log not yet applied here (as of the last one applied)
 * @param lagSeconds    how old the last change applied was when it was applied, while more were waiting
 * @param lastApplied   when a change was last applied here
 * @param problem       the last problem, when there is one
 */
public record ClusterStatus(String node, boolean connected, String state, long toShip, long applied,
                            long lagChanges, double lagSeconds, Optional<Instant> lastApplied,
                            Optional<String> problem) {
}
