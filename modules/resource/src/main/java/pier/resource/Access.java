package pier.resource;

/**
 * Who may do what: per resource (tables and custom resources) {@link Permission}s, and per plain MQTT
 * topic the right to publish and subscribe. Answers reflect the current roles at every call, so a
 * change takes effect at once; {@link #onChange(Runnable)} tells those who hold long-lived rights
 * (subscriptions, connections) to check them again.
 */
public interface Access {

    /** Everything allowed to everyone: for tests and embedded use without users. */
    Access ALL = new Access() {
        @Override
        public boolean allows(Principal principal, String resource, Permission permission) {
            return true;
        }

        @Override
        public boolean mayPublish(Principal principal, String clientId, String topic) {
            return true;
        }

        @Override
        public boolean maySubscribe(Principal principal, String clientId, String filter) {
            return true;
        }

        @Override
        public void onChange(Runnable listener) {
        }
    };

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
     * Whether a caller may publish to a plain topic (one that is no resource's).
     *
     * @param clientId the MQTT client id, for {@code %c} in a role's topic filters
     */
    boolean mayPublish(Principal principal, String clientId, String topic);

    /**
     * Whether a caller may receive what a plain topic filter matches: a role's filter must cover it
     * ({@code sensors/#} covers {@code sensors/+/temp}), and a topic is a filter without wildcards.
     *
     * @param clientId the MQTT client id, for {@code %c} in a role's topic filters
     */
    boolean maySubscribe(Principal principal, String clientId, String filter);

    /**
     * Registers a listener run after any change of users or roles.
     *
     * @param listener run on the thread that made the change
     */
    void onChange(Runnable listener);

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
