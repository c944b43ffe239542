/**
 * An example resource module, with a function for computed attributes: drop its jar into the server's
 * {@code plugins/} folder.
 */
module example.plugin {
    requires pier.resource;

    provides pier.resource.spi.ResourceProvider with example.plugin.ExampleResources;
    provides pier.resource.spi.FunctionProvider with example.plugin.ExampleFunctions;
}
