package pier.security;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import pier.resource.Permission;
import pier.resource.Principal;
import pier.resource.Resource;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

/**
 * Who may do what, from the users and roles tables. Every check reads an in-memory picture of both
 * (two map look-ups), which every change through this class replaces before telling the listeners, so
 * a change takes effect at once, without a restart. The anonymous caller holds the configured
 * anonymous role, if any.
 */
public final class AccessControl implements Policy {

    /** Users and roles as read, and each user's roles resolved once, so a check allocates nothing. */
    private record Picture(Map<String, List<String>> userRoles, Map<String, Role> roles,
                           Map<String, List<Role>> resolved, List<Role> anonymous) {

        static Picture of(Map<String, List<String>> userRoles, Map<String, Role> roles, List<String> anonymousRoles) {
            Map<String, List<Role>> resolved = new java.util.HashMap<>();
            userRoles.forEach((user, names) -> resolved.put(user, resolve(names, roles)));
            return new Picture(userRoles, roles, resolved, resolve(anonymousRoles, roles));
        }

        private static List<Role> resolve(List<String> names, Map<String, Role> roles) {
            return names.stream().map(roles::get).filter(java.util.Objects::nonNull).toList();
        }
    }

    private final Users users;
    private final Roles roles;
    private final List<String> anonymousRoles;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Picture picture;

    private static final java.time.Duration FOLLOW_WAIT = java.time.Duration.ofSeconds(1);

    private AccessControl(Users users, Roles roles, Optional<String> anonymousRole) {
        this.users = users;
        this.roles = roles;
        this.anonymousRoles = anonymousRole.map(List::of).orElse(List.of());
        this.picture = Picture.of(users.roles(), roles.all(), anonymousRoles);
    }

    /**
     * Opens the roles; creates the {@code admin} role when missing.
     *
     * @param users         the users
     * @param rolesTable    the system table {@value Security#ROLES}
     * @param anonymousRole the role of callers without credentials; empty: they must log in
     */
    public static AccessControl open(Users users, Resource rolesTable, Optional<String> anonymousRole) {
        Roles roles = new Roles(rolesTable);
        roles.createAdminIfNone();
        return new AccessControl(users, roles, anonymousRole);
    }

    @Override
    public boolean allows(Principal principal, String resource, Permission permission) {
        if (principal.superUser()) {
            return true;
        }
        for (Role role : rolesOf(principal)) {
            if (role.allows(resource, permission)) {
                return true;
            }
        }
        return false;
    }

    /** An attribute is withheld when every role that grants the permission on the table withholds it. */
    @Override
    public java.util.Set<String> withheld(Principal principal, String resource, Permission permission) {
        if (principal.superUser()) {
            return java.util.Set.of();
        }
        java.util.Set<String> withheld = null;
        for (Role role : rolesOf(principal)) {
            if (role.allows(resource, permission)) {
                java.util.Set<String> own = role.superUser() ? java.util.Set.of() : role.withheld(resource, permission);
                if (own.isEmpty()) {
                    return own;
                }
                if (withheld == null) {
                    withheld = new java.util.HashSet<>(own);
                } else {
                    withheld.retainAll(own);
                }
            }
        }
        return withheld == null ? java.util.Set.of() : withheld;
    }

    @Override
    public boolean mayPublish(Principal principal, String clientId, String topic) {
        return principal.superUser() || rolesOf(principal).stream().anyMatch(role -> role.superUser()
                || role.topics().stream().anyMatch(grant -> grant.publish()
                && TopicPatterns.covers(grant.filter(), topic, principal.name(), clientId)));
    }

    @Override
    public boolean maySubscribe(Principal principal, String clientId, String filter) {
        return principal.superUser() || rolesOf(principal).stream().anyMatch(role -> role.superUser()
                || role.topics().stream().anyMatch(grant -> grant.subscribe()
                && TopicPatterns.covers(grant.filter(), filter, principal.name(), clientId)));
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Whether one of the caller's roles is a super-user role. */
    public boolean isSuperUser(Principal principal) {
        return principal.superUser() || rolesOf(principal).stream().anyMatch(Role::superUser);
    }

    /** Every user with its roles. */
    public Map<String, List<String>> users() {
        return picture.userRoles();
    }

    /** Every role. */
    public Map<String, Role> roles() {
        return picture.roles();
    }

    /** Creates or changes a user (see {@link Users#putUser}); effective at once. */
    public void putUser(String user, Optional<String> password, List<String> roleNames) {
        users.putUser(user, password, roleNames);
        changed();
    }

    /** Removes a user, if there is one; effective at once. */
    public void removeUser(String user) {
        users.removeUser(user);
        changed();
    }

    /** Creates or replaces a role; effective at once, also for open subscriptions and connections. */
    public void putRole(Role role) {
        roles.put(role);
        changed();
    }

    /** Removes a role, if there is one; effective at once, also for open subscriptions and connections. */
    public void removeRole(String name) {
        roles.remove(name);
        changed();
    }

    /**
     * Follows the users, as {@code /$users} shows them (never a credential).
     *
     * @param user    one user, or empty for all
     * @param options how the subscription queues
     * @return the subscription: the current users, then every change
     */
    public Subscription watchUsers(Optional<String> user, SubscribeOptions options) {
        return users.watch(user, options);
    }

    /**
     * Follows the roles.
     *
     * @param role    one role, or empty for all
     * @param options how the subscription queues
     * @return the subscription: the current roles, then every change
     */
    public Subscription watchRoles(Optional<String> role, SubscribeOptions options) {
        return roles.watch(role, options);
    }

    private List<Role> rolesOf(Principal principal) {
        Picture now = picture;
        return principal == Principal.ANONYMOUS ? now.anonymous()
                : now.resolved().getOrDefault(principal.name(), List.of());
    }

    /**
     * Follows the users and roles tables, so that a change made on another node of a cluster (applied to
     * the tables here, not through these methods) takes effect here too, open subscriptions and
     * connections included. The followers end with the database.
     */
    public void followTables() {
        // only the latest state of each user and role matters: a burst of changes is one picture
        SubscribeOptions latest = new SubscribeOptions(1_024, SubscribeOptions.Overflow.LATEST, false);
        // a password changed elsewhere no longer opens the door here
        Subscription userChanges = users.watch(Optional.empty(), latest);
        Thread.ofVirtual().name("pier-access-follower").start(() -> follow(userChanges,
                event -> users.forget(event.id())));
        Subscription roleChanges = roles.watch(Optional.empty(), latest);
        Thread.ofVirtual().name("pier-access-follower").start(() -> follow(roleChanges, event -> { }));
    }

    private void follow(Subscription table, java.util.function.Consumer<pier.resource.Event> each) {
        try (table) {
            while (!table.isClosed()) {
                Optional<pier.resource.Event> event = table.next(FOLLOW_WAIT);
                if (event.isPresent()) {
                    // what came meanwhile is in the same new picture
                    for (; event.isPresent(); event = table.next(java.time.Duration.ZERO)) {
                        each.accept(event.get());
                    }
                    changed();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void changed() {
        picture = Picture.of(users.roles(), roles.all(), anonymousRoles);
        listeners.forEach(Runnable::run);
    }
}
