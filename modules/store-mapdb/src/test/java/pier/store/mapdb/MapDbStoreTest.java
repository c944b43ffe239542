package pier.store.mapdb;

import java.nio.file.Path;

import pier.store.Store;
import pier.store.StoreOptions;
import pier.store.testing.StoreContract;

class MapDbStoreTest extends StoreContract {

    @Override
    protected Store open(Path directory) {
        return new MapDbStoreProvider().open(directory, StoreOptions.DEFAULT);
    }
}
