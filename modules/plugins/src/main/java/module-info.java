/**
 * Plugins: the jars of a folder, resolved into a module layer of their own over the server's, and the
 * {@link pier.resource.spi.ResourceProvider}s they declare, registered as resources, and the
 * {@link pier.resource.spi.FunctionProvider}s whose functions computed attributes call. Any problem stops
 * the load with an error that names the jar.
 */
module pier.plugins {
    requires transitive pier.resource;

    exports pier.plugins;

    uses pier.resource.spi.ResourceProvider;
    uses pier.resource.spi.FunctionProvider;
}
