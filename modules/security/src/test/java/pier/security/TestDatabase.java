package pier.security;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import pier.codec.CodecLimits;
import pier.codec.CodecRegistry;
import pier.engine.ChangeFeed;
import pier.engine.Database;
import pier.engine.Schema;
import pier.resource.Resource;
import pier.resource.ResourceRegistry;
import pier.store.Store;
import pier.store.Stores;

/** A database on a real MapDB store in a test folder, with the security module's system tables. */
final class TestDatabase implements AutoCloseable {

    final Store store;
    final Database database;
    final ResourceRegistry resources = new ResourceRegistry();

    TestDatabase(Path folder) {
        store = Stores.open("mapdb", folder, pier.store.StoreOptions.DEFAULT);
        database = Database.open(store, Schema.parse("test.graphql", """
                type Dog @table @export { id: ID @primaryKey  name: String  age: Int }
                """), List.of(Security.SYSTEM_TABLES), CodecRegistry.load(CodecLimits.DEFAULT),
                ChangeFeed.FeedRetention.DEFAULT);
        database.exportTo(resources);
    }

    Resource table(String name) {
        return resources.find(name).orElseThrow();
    }

    Users users(boolean allowAnonymous) {
        return Users.open(database.systemTable(Security.USERS), allowAnonymous);
    }

    AccessControl access(Users users, Optional<String> anonymousRole) {
        return AccessControl.open(users, database.systemTable(Security.ROLES), anonymousRole);
    }

    @Override
    public void close() {
        database.close();
        store.close();
    }
}
