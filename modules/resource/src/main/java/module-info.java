/**
 * The Resource SPI: what every protocol translates its wire format into. A resource answers get, put,
 * patch, post, delete, publish, subscribe and connect for a {@link pier.resource.Request}; tables are
 * resources, and so are the custom resources that plugins provide through
 * {@link pier.resource.spi.ResourceProvider}.
 */
module pier.resource {
    requires transitive pier.codec;
    requires transitive pier.query;

    exports pier.resource;
    exports pier.resource.spi;

    uses pier.resource.spi.ResourceProvider;
}
