package pier.resource;

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
     * Whether callers without credentials may act (as a full user, until roles exist).
     *
     * @return true when anonymous access is allowed
     */
    boolean allowsAnonymous();
}
