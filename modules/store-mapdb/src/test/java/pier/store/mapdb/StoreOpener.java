package pier.store.mapdb;

import java.nio.file.Path;

import pier.store.Store;
import pier.store.StoreException;
import pier.store.StoreOptions;
import pier.store.WriteBatch;

/** A child process that opens a store, writes a little, and prints what happened. */
public final class StoreOpener {

    private StoreOpener() {
    }

    public static void main(String[] args) {
        try (Store store = new MapDbStoreProvider().open(Path.of(args[0]), StoreOptions.DEFAULT)) {
            store.commit(WriteBatch.builder().put("m", new byte[] {1}, new byte[64 << 10]).build()).join();
            System.out.println("opened and wrote");
        } catch (StoreException e) {
            System.out.println(e.getMessage());
        } catch (RuntimeException e) {
            System.out.println("unexpected: " + e);
        }
    }
}
