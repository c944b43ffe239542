package pier.security;

import pier.resource.Principal;
import java.util.Optional;

/** Checks credentials; every protocol asks it, so users are the same everywhere. */
public interface Authenticator {

    /**
     * Checks a user name and password.
     *
     * @param user     the user name
     * @param password the password
     * @return the principal, or empty when the credentials are wrong
     */
    Optional<Principal> authenticate(String user, String password);

    /**
     * Checks a user name and password sent from a client address; what protocols call, so that a
     * {@link LoginThrottle} can refuse an address after too many failures.
     *
     * @param client the client's address (host), or empty when unknown
     * @return the principal, or empty when the credentials are wrong
     * @throws ResourceException {@code TOO_MANY_REQUESTS} when the address is throttled
     */
    default Optional<Principal> authenticate(String user, String password, String client) {
        return authenticate(user, password);
    }

    /**
     * What the logins (sessions, tokens) of a user are issued against: it changes when the user's password
     * changes and when the user is removed (a user made again under the name gets a new one), which ends
     * every login issued before.
     *
     * @param user the user name
     * @return the current generation, or empty when there is no such user
     */
    default Optional<String> loginGeneration(String user) {
        return Optional.of("");
    }

    /**
     * Whether callers without credentials may act (with the anonymous role).
     *
     * @return true when anonymous access is allowed
     */
    boolean allowsAnonymous();
}
