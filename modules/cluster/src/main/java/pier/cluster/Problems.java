package pier.cluster;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What goes wrong in replication, logged once per kind of trouble until it is over (a NATS outage must
 * not write a line per retry), and kept for the status.
 */
final class Problems {

    private static final System.Logger LOG = System.getLogger(Problems.class.getName());

    private final Map<String, String> open = new ConcurrentHashMap<>();
    private volatile String last;

    void report(String what, String message) {
        last = what + ": " + message;
        if (open.put(what, message) == null) {
            LOG.log(System.Logger.Level.WARNING, "cluster " + what + ": " + message);
        }
    }

    /** A problem of one thing (one record, one message): logged each time, not a state to get out of. */
    void each(String what, String message) {
        last = what + ": " + message;
        LOG.log(System.Logger.Level.WARNING, "cluster " + what + ": " + message);
    }

    void solved(String what) {
        if (open.remove(what) != null) {
            LOG.log(System.Logger.Level.INFO, "cluster " + what + ": going again");
            last = null;
        }
    }

    Optional<String> last() {
        return Optional.ofNullable(last);
    }

    static String message(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                ? e.getCause() : e;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
