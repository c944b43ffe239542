package pier.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import pier.codec.CodecLimits;
import pier.codec.CodecRegistry;
import pier.engine.ChangeFeed;
import pier.engine.Database;
import pier.engine.Schema;
import pier.resource.Resource;
import pier.resource.ResourceRegistry;
import pier.store.Store;
import pier.store.Stores;

/** A database on a real MapDB store in a temporary folder, deleted on close: what every benchmark measures on. */
final class BenchDatabase implements AutoCloseable {

    private final Path folder;
    private final Store store;
    private final Database database;
    private final ResourceRegistry registry = new ResourceRegistry();

    BenchDatabase(String schema) throws IOException {
        folder = Files.createTempDirectory("pier-bench");
        store = Stores.open("mapdb", folder, pier.store.StoreOptions.DEFAULT);
        database = Database.open(store, Schema.parse("bench.graphql", schema), CodecRegistry.load(CodecLimits.DEFAULT),
                ChangeFeed.FeedRetention.DEFAULT);
        database.exportTo(registry);
    }

    Resource table(String name) {
        return registry.find(name).orElseThrow();
    }

    @Override
    public void close() {
        database.close();
        store.close();
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
