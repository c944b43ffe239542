/**
 * Pier's byte-level store: named, ordered maps of key to bytes with atomic, durable batch commits.
 * Backends implement {@link pier.store.spi.StoreProvider}; {@link pier.store.Stores} opens one by name.
 */
module pier.store {
    exports pier.store;
    exports pier.store.spi;

    uses pier.store.spi.StoreProvider;
}
