package pier.resource;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The resources a server exposes, by their path name (the first path segment, the topic's first level).
 * Every resource is handed out behind the {@link Access} check: permissions are enforced here, once, for
 * every protocol.
 */
public final class ResourceRegistry {

    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final Access access;
    private final UserQuota quota;

    /** A registry where everything is allowed to everyone, without limits (tests, embedded use). */
    public ResourceRegistry() {
        this(Access.ALL, UserQuota.NONE);
    }

    /**
     * A registry whose resources check {@code access}.
     *
     * @param access who may do what
     * @param quota  how many connections and subscriptions each user may hold
     */
    public ResourceRegistry(Access access, UserQuota quota) {
        this.access = access;
        this.quota = quota;
    }

    /** How many connections and subscriptions each user may hold, for the protocols that open them. */
    public UserQuota quota() {
        return quota;
    }

    /** Who may do what, for protocols that check plain topics themselves. */
    public Access access() {
        return access;
    }

    /**
     * Adds a resource.
     *
     * @param name     its path name
     * @param resource the resource
     * @throws IllegalStateException when the name is taken
     */
    public synchronized void register(String name, Resource resource) {
        Resource guarded = access == Access.ALL ? resource : new GuardedResource(name, resource, access);
        if (resources.putIfAbsent(name, guarded) != null) {
            throw new IllegalStateException("two resources claim the path /" + name);
        }
    }

    /**
     * Finds a resource.
     *
     * @param name its path name
     * @return the resource, or empty
     */
    public synchronized Optional<Resource> find(String name) {
        return Optional.ofNullable(resources.get(name));
    }

    /**
     * The names, in registration order.
     *
     * @return the names
     */
    public synchronized Set<String> names() {
        return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(resources.keySet()));
    }
}
