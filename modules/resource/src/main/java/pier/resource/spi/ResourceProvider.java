package pier.resource.spi;

import java.util.Map;

import pier.resource.Resource;

/**
 * {@link java.util.ServiceLoader} provider of custom resources, declared by plugin modules with
 * {@code provides pier.resource.spi.ResourceProvider with ...}.
 */
public interface ResourceProvider {

    /**
     * The resources this provider contributes, by path name.
     *
     * @return the resources
     */
    Map<String, Resource> resources();
}
