/**
 * The MapDB store backend: one MapDB file, written only by incremental checkpoints, Pier's journal,
 * and a committer that groups concurrent batches into one durable commit. The only module that sees
 * MapDB; exports nothing.
 */
module pier.store.mapdb {
    requires pier.store;
    requires mapdb;
    // mapdb is an automatic module and cannot declare these itself (they are explicit modules)
    requires kotlin.stdlib;
    requires com.google.common;

    provides pier.store.spi.StoreProvider with pier.store.mapdb.MapDbStoreProvider;
}
