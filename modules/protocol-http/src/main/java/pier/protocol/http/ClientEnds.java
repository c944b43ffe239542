package pier.protocol.http;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.helidon.common.buffers.DataReader;

/**
 * Helidon 4.5 logs a warning with a stack trace ("Internal server error") when a connection ends in the
 * middle of a request's headers — a client that went away, or one whose headers were too slow
 * ({@link HeaderDeadline}). A client going away is ordinary: such records are kept at debug level, every
 * other warning stays as it is.
 */
public final class ClientEnds {

    // held here: a logger only weakly referenced may be collected, and its filter with it
    private static final Logger HTTP1 = Logger.getLogger("io.helidon.webserver.http1.Http1Connection");

    private ClientEnds() {
    }

    /** Puts the filter on Helidon's HTTP/1 connection logger. */
    public static void quietenHelidon() {
        HTTP1.setFilter(ClientEnds::keep);
    }

    private static boolean keep(LogRecord record) {
        if (!endedByClient(record.getThrown())) {
            return true;
        }
        if (HTTP1.isLoggable(Level.FINE)) {
            HTTP1.log(Level.FINE, "a connection ended in the middle of a request: {0}", record.getThrown().toString());
        }
        return false;
    }

    private static boolean endedByClient(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof DataReader.InsufficientDataAvailableException) {
                return true;
            }
        }
        return false;
    }
}
