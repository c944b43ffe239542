package pier.resource;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The resources a server exposes, by their path name (the first path segment, the topic's first level).
 * Every resource is handed out behind the {@link Access} check: permissions are enforced here, once, for
 * every protocol. A protocol sees the registry {@link #on(Exposure) on} its exposure: what is not exposed
 * there is not found.
 */
public final class ResourceRegistry {

    private final Map<String, Exposed> resources;
    private final Access access;
    private final Exposure exposure;

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
        this(new LinkedHashMap<>(), access, null);
    }

    private ResourceRegistry(Map<String, Exposed> resources, Access access, Exposure exposure) {
        this.resources = resources;
        this.access = access;
        this.exposure = exposure;
    }

    /**
     * The same registry as one protocol sees it: resources registered later included.
     *
     * @param exposure the protocol
     * @return the view
     */
    public ResourceRegistry on(Exposure exposure) {
        return new ResourceRegistry(resources, access, exposure);
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
    public void register(String name, Resource resource) {
        register(name, resource, EnumSet.allOf(Exposure.class));
    }

    /**
     * Adds a resource exposed on some protocols only.
     *
     * @param name     its path name
     * @param resource the resource
     * @param on       the protocols it is reachable on
     * @throws IllegalStateException when the name is taken
     */
    public void register(String name, Resource resource, Set<Exposure> on) {
        Resource guarded = access == Access.ALL ? resource : new GuardedResource(name, resource, access);
        synchronized (resources) {
            if (resources.putIfAbsent(name, new Exposed(guarded, Set.copyOf(on))) != null) {
                throw new IllegalStateException("two resources claim the path /" + name);
            }
        }
    }

    /**
     * Finds a resource.
     *
     * @param name its path name
     * @return the resource, or empty (also when it is not exposed on this view's protocol)
     */
    public Optional<Resource> find(String name) {
        synchronized (resources) {
            return Optional.ofNullable(resources.get(name)).filter(this::visible).map(Exposed::resource);
        }
    }

    /**
     * The names, in registration order.
     *
     * @return the names (on this view's protocol)
     */
    public Set<String> names() {
        synchronized (resources) {
            Set<String> names = new java.util.LinkedHashSet<>();
            resources.forEach((name, exposed) -> {
                if (visible(exposed)) {
                    names.add(name);
                }
            });
            return Collections.unmodifiableSet(names);
        }
    }

    private boolean visible(Exposed exposed) {
        return exposure == null || exposed.on().contains(exposure);
    }

    private record Exposed(Resource resource, Set<Exposure> on) {
    }
}
