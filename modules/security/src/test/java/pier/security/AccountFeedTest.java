package pier.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.resource.Event;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.ResourceRegistry;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;

/** Users and roles are records of system tables: written through the feed, and watched like a table. */
class AccountFeedTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Principal ADMIN = new Principal("admin", true);

    @TempDir
    Path folder;

    @Test
    void usersAndRolesAreInTheChangeFeedAndWatchedWithoutCredentials() throws Exception {
        try (TestDatabase db = new TestDatabase(folder)) {
            Users users = db.users(false);
            users.createAdminIfNone(Optional.of("pw"));
            AccessControl access = db.access(users, Optional.empty());
            ResourceRegistry registry = new ResourceRegistry(access);
            AccountResources.registerIn(registry, access);
            try (Subscription userFeed = registry.find(AccountResources.USERS).orElseThrow()
                         .subscribe(Request.of(ADMIN, null), SubscribeOptions.DEFAULT);
                 Subscription roleFeed = registry.find(AccountResources.ROLES).orElseThrow()
                         .subscribe(Request.of(ADMIN, "reader"), SubscribeOptions.DEFAULT)) {
                Event admin = userFeed.next(WAIT).orElseThrow();
                assertThat(admin.id(), is("admin"));
                assertThat(admin.record().orElseThrow().value().has("hash"), is(false));
                assertThat(userFeed.next(WAIT).orElseThrow(), instanceOf(Event.Synced.class));
                assertThat(roleFeed.next(WAIT).orElseThrow(), instanceOf(Event.Synced.class));

                access.putRole(Role.fromJson("reader", new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree("{\"tables\": {\"Dog\": [\"read\"]}}")));
                access.putUser("ann", Optional.of("secret"), List.of("reader"));

                Event role = roleFeed.next(WAIT).orElseThrow();
                assertThat(role, instanceOf(Event.Put.class));
                assertThat(role.record().orElseThrow().value().path("tables").path("Dog").get(0).asText(), is("read"));
                Event ann = userFeed.next(WAIT).orElseThrow();
                assertThat(ann, instanceOf(Event.Put.class));
                assertThat(ann.id(), is("ann"));
                assertThat(ann.record().orElseThrow().value().toString(), is("{\"name\":\"ann\",\"roles\":[\"reader\"]}"));
                assertThat(ann.sequence() > role.sequence(), is(true));

                access.removeUser("ann");
                assertThat(userFeed.next(WAIT).orElseThrow(), instanceOf(Event.Delete.class));
            }
            try (var entries = db.database.feed().after(0)) {
                assertThat(entries.map(e -> e.table() + "/" + e.id()).toList(),
                        hasItems(Security.USERS + "/admin", Security.ROLES + "/admin", Security.ROLES + "/reader",
                                Security.USERS + "/ann"));
            }
        }
    }
}
