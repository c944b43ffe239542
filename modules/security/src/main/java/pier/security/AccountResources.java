package pier.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import pier.resource.Content;
import pier.resource.Listing;
import pier.resource.Principal;
import pier.resource.Record;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.ResourceRegistry;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

/**
 * The admin surface: users at {@code /$users/<name>} and roles at {@code /$roles/<name>}, read, replaced,
 * deleted and subscribed to like records (they are records of system tables, in the change feed). Like every resource they sit behind the access check, so only super users
 * (or a role granted {@code $users}/{@code $roles}) reach them. Password hashes never leave the server.
 */
public final class AccountResources {

    /** The path of the users. */
    public static final String USERS = "$users";
    /** The path of the roles. */
    public static final String ROLES = "$roles";

    private AccountResources() {
    }

    /** Registers both resources. */
    public static void registerIn(ResourceRegistry registry, AccessControl access) {
        registry.register(USERS, new UsersResource(access));
        registry.register(ROLES, new RolesResource(access));
    }

    private static Record record(String id, JsonNode value) {
        return Record.message(id, new Content.Structured(value));
    }

    // the resource itself, or one of its entries as shown
    private static <T> Record lookUp(Request request, String path, String kind, Map<String, T> entries,
                                     java.util.function.BiFunction<String, T, JsonNode> shown) {
        if (request.id().isEmpty()) {
            return record(path, JsonNodeFactory.instance.objectNode().put("name", path));
        }
        String name = request.requiredId();
        T entry = Optional.ofNullable(entries.get(name)).orElseThrow(() -> ResourceException.notFound("no " + kind
                + " " + name));
        return record(name, shown.apply(name, entry));
    }

    private static JsonNode body(Request request) {
        if (!(request.requiredContent() instanceof Content.Structured(JsonNode value)) || !value.isObject()) {
            throw ResourceException.badRequest("send a JSON object", null);
        }
        return value;
    }

    /** {@code {"name": "ann", "roles": ["reader"]}}; PUT takes {@code password} (needed for a new user). */
    private record UsersResource(AccessControl access) implements Resource {

        @Override
        public Record get(Request request) {
            return lookUp(request, USERS, "user", access.users(), Users::shown);
        }

        @Override
        public Listing list(Request request) {
            return new Listing(0, access.users().entrySet().stream().map(e -> record(e.getKey(),
                    Users.shown(e.getKey(), e.getValue()))));
        }

        @Override
        public Record put(Request request) {
            String name = request.requiredId();
            if (name.equals(Principal.ANONYMOUS.name())) {
                throw ResourceException.badRequest("'anonymous' names callers without credentials: choose another "
                        + "name", null);
            }
            JsonNode body = body(request);
            JsonNode password = body.path("password");
            if (!password.isMissingNode() && (!password.isTextual() || password.asText().isEmpty())) {
                throw ResourceException.badRequest("password is a non-empty string", "password");
            }
            List<String> roles = new ArrayList<>();
            body.path("roles").forEach(role -> roles.add(role.asText()));
            access.putUser(name, password.isMissingNode() ? Optional.empty() : Optional.of(password.asText()), roles);
            return record(name, Users.shown(name, roles));
        }

        @Override
        public void delete(Request request) {
            access.removeUser(request.requiredId());
        }

        @Override
        public Subscription subscribe(Request request, SubscribeOptions options) {
            return access.watchUsers(request.id(), options);
        }

    }

    /** A role as {@link Role#toJson()} shows it. */
    private record RolesResource(AccessControl access) implements Resource {

        @Override
        public Record get(Request request) {
            return lookUp(request, ROLES, "role", access.roles(), (name, role) -> role.toJson());
        }

        @Override
        public Listing list(Request request) {
            Stream<Map.Entry<String, Role>> roles = access.roles().entrySet().stream();
            return new Listing(0, roles.map(e -> record(e.getKey(), e.getValue().toJson())));
        }

        @Override
        public Record put(Request request) {
            Role role = Role.fromJson(request.requiredId(), body(request));
            access.putRole(role);
            return record(role.name(), role.toJson());
        }

        @Override
        public void delete(Request request) {
            access.removeRole(request.requiredId());
        }

        @Override
        public Subscription subscribe(Request request, SubscribeOptions options) {
            return access.watchRoles(request.id(), options);
        }
    }
}
