package pier.engine;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import pier.codec.Codec;
import pier.store.KeyRange;
import pier.store.Store;
import pier.store.WriteBatch;

/** The roles table (a system table, never exported): each role as its JSON form, stored as CBOR. */
final class Roles {

    static final String MAP = "system/roles";

    private final Store store;
    private final Codec cbor;

    Roles(Store store, Codec cbor) {
        this.store = store;
        this.cbor = cbor;
    }

    /** Creates the {@code admin} super-user role when it is missing. */
    void createAdminIfNone() {
        if (store.get(MAP, key(Role.ADMIN)).isEmpty()) {
            put(new Role(Role.ADMIN, true, Map.of(), java.util.List.of()));
        }
    }

    void put(Role role) {
        store.commit(WriteBatch.builder().put(MAP, key(role.name()), cbor.encode(role.toJson())).build()).join();
    }

    boolean remove(String name) {
        boolean existed = store.get(MAP, key(name)).isPresent();
        store.commit(WriteBatch.builder().delete(MAP, key(name)).build()).join();
        return existed;
    }

    /** Every role, by name. */
    Map<String, Role> all() {
        Map<String, Role> roles = new TreeMap<>();
        try (var entries = store.scan(MAP, KeyRange.all())) {
            entries.forEach(entry -> {
                String name = new String(entry.key(), StandardCharsets.UTF_8);
                roles.put(name, Role.fromJson(name, cbor.decode(entry.value())));
            });
        }
        return roles;
    }

    private static byte[] key(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }
}
