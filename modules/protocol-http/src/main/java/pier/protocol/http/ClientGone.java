package pier.protocol.http;

/**
 * The client went away while its answer was being written: an ordinary end, logged in one debug line
 * and never answered (there is no one to answer).
 */
final class ClientGone extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ClientGone(Throwable cause) {
        super("the client went away: " + cause.getMessage(), cause, false, false);
    }
}
