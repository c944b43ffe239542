/**
 * The MapDB store backend: one transactional MapDB file with its write-ahead log, a committer that
 * groups concurrent batches into one durable commit. The only module that sees MapDB; exports nothing.
 */
module pier.store.mapdb {
    requires pier.store;
    requires mapdb;
    // mapdb is an automatic module and cannot declare these itself (they are explicit modules)
    requires kotlin.stdlib;
    requires com.google.common;

    provides pier.store.spi.StoreProvider with pier.store.mapdb.MapDbStoreProvider;
}
