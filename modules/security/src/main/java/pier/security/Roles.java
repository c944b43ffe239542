package pier.security;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import pier.resource.Content;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

/** The roles: records of the system table {@code $roles} (never exported), each a role's JSON form. */
final class Roles {

    private final Resource table;

    Roles(Resource table) {
        this.table = table;
    }

    /** Creates the {@code admin} super-user role when it is missing. */
    void createAdminIfNone() {
        if (Security.find(table, Role.ADMIN).isEmpty()) {
            put(new Role(Role.ADMIN, true, Map.of(), Map.of(), List.of()));
        }
    }

    void put(Role role) {
        table.put(Request.of(Security.SERVER, role.name()).withContent(new Content.Structured(role.toJson())));
    }

    void remove(String name) {
        table.delete(Request.of(Security.SERVER, name));
    }

    /** Follows one role, or all (empty): every change. */
    Subscription watch(Optional<String> role, SubscribeOptions options) {
        return table.subscribe(Request.of(Security.SERVER, role.orElse(null)), options);
    }

    /** Every role, by name. */
    Map<String, Role> all() {
        Map<String, Role> roles = new TreeMap<>();
        try (var records = table.list(Request.of(Security.SERVER, null)).records()) {
            records.forEach(record -> roles.put(record.id(), Role.fromJson(record.id(), record.value())));
        }
        return roles;
    }
}
