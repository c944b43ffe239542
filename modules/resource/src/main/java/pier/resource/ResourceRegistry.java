package pier.resource;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The resources a server exposes, by their path name (the first path segment, the topic's first level). */
public final class ResourceRegistry {

    private final Map<String, Resource> resources = new LinkedHashMap<>();

    /**
     * Adds a resource.
     *
     * @param name     its path name
     * @param resource the resource
     * @throws IllegalStateException when the name is taken
     */
    public synchronized void register(String name, Resource resource) {
        if (resources.putIfAbsent(name, resource) != null) {
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
