package pier.resource;

/**
 * The guard hook of every resource: who may do what with it ({@link Permission}s per resource name).
 * The server's policy (users, roles, topics) implements it in {@code pier.security}. Answers reflect
 * the current roles at every call, so a change takes effect at once; {@link #onChange(Runnable)} tells
 * those who hold long-lived rights (subscriptions, connections) to check them again.
 */
@FunctionalInterface
public interface Access {

    /** Everything allowed to everyone: for tests and embedded use without users. */
    Access ALL = (principal, resource, permission) -> true;

    /**
     * Whether a caller may act on a resource.
     *
     * @param principal  the caller
     * @param resource   the resource's name (a table's name)
     * @param permission what the caller wants to do
     * @return true when one of the caller's roles grants it
     */
    boolean allows(Principal principal, String resource, Permission permission);

    /**
     * The attributes of a resource's records a caller may not have: without the given permission on them
     * (though it holds it on the resource), a read leaves them out and a write that carries them is refused.
     *
     * @param principal  the caller
     * @param resource   the resource's name
     * @param permission {@code READ}, {@code INSERT} or {@code UPDATE}
     * @return the attribute names; empty when every attribute is allowed
     */
    default java.util.Set<String> withheld(Principal principal, String resource, Permission permission) {
        return java.util.Set.of();
    }

    /**
     * Registers a listener run after any change of users or roles; rights that never change need none.
     *
     * @param listener run on the thread that made the change
     */
    default void onChange(Runnable listener) {
    }

    /**
     * Throws when a caller may not act on a resource: {@code UNAUTHORIZED} for the anonymous caller (who
     * can log in), {@code FORBIDDEN} for a user.
     *
     * @throws ResourceException when the permission is not granted
     */
    default void require(Principal principal, String resource, Permission permission) {
        if (!allows(principal, resource, permission)) {
            throw denied(principal, permission.name().toLowerCase(java.util.Locale.ROOT) + " " + resource);
        }
    }

    /**
     * The refusal of an action: {@code UNAUTHORIZED} for the anonymous caller, {@code FORBIDDEN} for a user.
     *
     * @param action what was refused, such as "read Dog"
     */
    static ResourceException denied(Principal principal, String action) {
        return principal == Principal.ANONYMOUS
                ? new ResourceException(ResourceException.Kind.UNAUTHORIZED, "log in to " + action, null, null)
                : new ResourceException(ResourceException.Kind.FORBIDDEN, principal.name() + " may not " + action,
                null, null);
    }
}
