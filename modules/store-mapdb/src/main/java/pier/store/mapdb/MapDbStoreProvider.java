package pier.store.mapdb;

import java.nio.file.Path;

import pier.store.Store;
import pier.store.StoreOptions;
import pier.store.spi.StoreProvider;

/** Provides the {@code mapdb} backend. */
public final class MapDbStoreProvider implements StoreProvider {

    @Override
    public String name() {
        return "mapdb";
    }

    @Override
    public Store open(Path directory, StoreOptions options) {
        return MapDbStore.open(MapDbFiles.in(directory), options);
    }
}
