/** An example resource module: drop its jar into the server's {@code plugins/} folder. */
module example.plugin {
    requires pier.resource;

    provides pier.resource.spi.ResourceProvider with example.plugin.ExampleResources;
}
