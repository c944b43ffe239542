package pier.engine;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import pier.resource.Resource;
import pier.resource.testing.ResourceContract;

/** A table is a resource like any other. */
class TableContractTest extends ResourceContract {

    @TempDir
    Path folder;
    private TestDatabase db;

    @Override
    protected Resource resource() {
        if (db == null) {
            db = new TestDatabase(folder);
        }
        return db.table("Dog");
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }
}
