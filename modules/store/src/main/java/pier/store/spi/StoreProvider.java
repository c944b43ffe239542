package pier.store.spi;

import java.nio.file.Path;

import pier.store.Store;
import pier.store.StoreOptions;

/**
 * {@link java.util.ServiceLoader} provider of one storage backend, chosen by {@link #name()} in the
 * server's configuration.
 */
public interface StoreProvider {

    /**
     * The name configuration uses for this backend.
     *
     * @return e.g. {@code mapdb}
     */
    String name();

    /**
     * Opens the store kept in a folder, creating it when the folder holds none.
     *
     * @param directory the data folder; created if missing
     * @param options   what the operator set
     * @return the open store
     * @throws pier.store.StoreException of kind {@code CANNOT_OPEN}, naming the file and why
     */
    Store open(Path directory, StoreOptions options);
}
