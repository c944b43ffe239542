package pier.store;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

import pier.store.spi.StoreProvider;

/** Finds a storage backend by name among the {@link StoreProvider}s visible to this module. */
public final class Stores {

    private Stores() {
    }

    /**
     * Opens a store with the named backend.
     *
     * @param backend   the provider's {@link StoreProvider#name()}
     * @param directory the data folder
     * @param options   what the operator set
     * @return the open store
     * @throws StoreException when no provider or more than one has that name, or the store cannot be opened
     */
    public static Store open(String backend, Path directory, StoreOptions options) {
        List<StoreProvider> matching = ServiceLoader.load(StoreProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(provider -> provider.name().equals(backend))
                .toList();
        if (matching.size() != 1) {
            throw new StoreException(StoreException.Kind.CANNOT_OPEN, (matching.isEmpty() ? "no" : "more than one")
                    + " store backend named '" + backend + "' is installed", null);
        }
        return matching.getFirst().open(directory, options);
    }
}
