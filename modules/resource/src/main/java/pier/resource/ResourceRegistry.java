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

    /** A registry where everything is allowed to everyone (tests, embedded use). */
    public ResourceRegistry() {
        this(Access.ALL);
    }

    /**
     * A registry whose resources check {@code access}.
     *
     * @param access who may do what
     */
    public ResourceRegistry(Access access) {
        this.access = access;
    }

    /** Who may do what, for the database, which closes subscriptions whose reader lost the right. */
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
