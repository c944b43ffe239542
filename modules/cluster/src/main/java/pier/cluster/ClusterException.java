package pier.cluster;

/** This node cannot join its cluster: NATS is not there as configured, or the node does not fit. */
public final class ClusterException extends RuntimeException {

    ClusterException(String message) {
        super(message);
    }

    /** A failure that may pass (NATS not ready yet). */
    ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
