package pier.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.resource.Content;
import pier.resource.Permission;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.ResourceRegistry;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AccessControlTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Principal ANN = new Principal("ann", false);
    private static final Principal SERVER = new Principal("pier", true);

    @TempDir
    Path folder;

    @Test
    void rolesGrantPerTableAndTheAnonymousCallerMustLogIn() {
        try (TestDatabase db = new TestDatabase(folder)) {
            AccessControl access = access(db, Optional.empty());
            Resource dogs = guarded(db, access);
            access.putRole(role("reader", "{\"tables\": {\"Dog\": [\"read\"]}}"));
            access.putUser("ann", Optional.of("pw"), List.of("reader"));
            db.table("Dog").put(Request.of(SERVER, "1").withContent(json("{\"name\":\"Rex\"}")));

            assertThat(dogs.get(Request.of(ANN, "1")).value().get("name").asText(), is("Rex"));
            assertThat(refusal(() -> dogs.put(Request.of(ANN, "1").withContent(json("{\"name\":\"X\"}")))),
                    is(ResourceException.Kind.FORBIDDEN));
            assertThat(refusal(() -> dogs.delete(Request.of(ANN, "1"))), is(ResourceException.Kind.FORBIDDEN));
            assertThat(refusal(() -> dogs.get(Request.of(Principal.ANONYMOUS, "1"))),
                    is(ResourceException.Kind.UNAUTHORIZED));
            assertThat(dogs.get(Request.of(ANN, "1")).value().get("name").asText(), is("Rex"));
        }
    }

    @Test
    void putNeedsInsertForANewRecordAndUpdateForAnExistingOne() {
        try (TestDatabase db = new TestDatabase(folder)) {
            AccessControl access = access(db, Optional.empty());
            Resource dogs = guarded(db, access);
            access.putRole(role("adder", "{\"tables\": {\"Dog\": [\"insert\", \"read\"]}}"));
            access.putRole(role("editor", "{\"tables\": {\"Dog\": [\"update\"]}}"));
            access.putUser("ann", Optional.of("pw"), List.of("adder"));
            access.putUser("bob", Optional.of("pw"), List.of("editor"));
            Principal bob = new Principal("bob", false);

            dogs.put(Request.of(ANN, "a").withContent(json("{\"name\":\"New\"}")));
            assertThat(refusal(() -> dogs.put(Request.of(ANN, "a").withContent(json("{\"name\":\"Changed\"}")))),
                    is(ResourceException.Kind.FORBIDDEN));
            assertThat(refusal(() -> dogs.patch(Request.of(ANN, "a").withContent(json("{\"age\":2}")))),
                    is(ResourceException.Kind.FORBIDDEN));
            dogs.patch(Request.of(bob, "a").withContent(json("{\"age\":2}")));
            assertThat(refusal(() -> dogs.put(Request.of(bob, "b").withContent(json("{\"name\":\"B\"}")))),
                    is(ResourceException.Kind.FORBIDDEN));
            assertThat(refusal(() -> dogs.get(Request.of(bob, "a"))), is(ResourceException.Kind.FORBIDDEN));

            var stored = dogs.get(Request.of(ANN, "a")).value();
            assertThat(stored.get("name").asText(), is("New"));
            assertThat(stored.get("age").asInt(), is(2));
            assertThat(refusal(() -> dogs.get(Request.of(ANN, "b"))), is(ResourceException.Kind.NOT_FOUND));
        }
    }

    @Test
    void aSubscriberWhoLosesReadIsClosedWithTheReason() throws Exception {
        try (TestDatabase db = new TestDatabase(folder)) {
            AccessControl access = access(db, Optional.of("public"));
            Resource dogs = guarded(db, access);
            access.putRole(role("public", "{\"tables\": {\"Dog\": [\"read\"]}}"));
            Subscription subscription = dogs.subscribe(Request.of(Principal.ANONYMOUS, null), SubscribeOptions.DEFAULT);
            assertThat(subscription.next(Duration.ofSeconds(1)).orElseThrow(), instanceOf(pier.resource.Event.Synced.class));

            access.putRole(role("public", "{\"tables\": {\"Count\": [\"read\"]}}"));
            assertThat(subscription.isClosed(), is(true));
            assertThat(subscription.closeReason().orElseThrow(), containsString("may no longer read Dog"));
            assertThat(refusal(() -> dogs.subscribe(Request.of(Principal.ANONYMOUS, null), SubscribeOptions.DEFAULT)),
                    is(ResourceException.Kind.UNAUTHORIZED));
        }
    }

    @Test
    void topicGrantsCoverFiltersAndExpandUserAndClient() {
        try (TestDatabase db = new TestDatabase(folder)) {
            AccessControl access = access(db, Optional.empty());
            access.putRole(role("device", """
                    {"topics": [{"filter": "sensors/#", "subscribe": true},
                                {"filter": "devices/%c/#", "publish": true, "subscribe": true},
                                {"filter": "users/%u/inbox", "subscribe": true}]}"""));
            access.putUser("ann", Optional.of("pw"), List.of("device"));

            assertThat(access.maySubscribe(ANN, "c1", "sensors/+/temp"), is(true));
            assertThat(access.maySubscribe(ANN, "c1", "sensors"), is(true));
            assertThat(access.maySubscribe(ANN, "c1", "#"), is(false));
            assertThat(access.maySubscribe(ANN, "c1", "+/temp"), is(false));
            assertThat(access.mayPublish(ANN, "c1", "sensors/kitchen"), is(false));
            assertThat(access.mayPublish(ANN, "c1", "devices/c1/state"), is(true));
            assertThat(access.mayPublish(ANN, "c1", "devices/c2/state"), is(false));
            assertThat(access.maySubscribe(ANN, "c1", "users/ann/inbox"), is(true));
            assertThat(access.maySubscribe(ANN, "c1", "users/bob/inbox"), is(false));
            assertThat(access.maySubscribe(Principal.ANONYMOUS, "c1", "sensors/x"), is(false));
        }
    }

    @Test
    void topicPatternsFollowMqttMatching() {
        assertThat(TopicPatterns.covers("a/+/c", "a/b/c"), is(true));
        assertThat(TopicPatterns.covers("a/+/c", "a/+/c"), is(true));
        assertThat(TopicPatterns.covers("a/+/c", "a/#"), is(false));
        assertThat(TopicPatterns.covers("a/b", "a/+"), is(false));
        assertThat(TopicPatterns.covers("#", "$SYS/uptime"), is(false));
        assertThat(TopicPatterns.covers("$SYS/#", "$SYS/uptime"), is(true));
        assertThat(TopicPatterns.covers("a/#", "a"), is(true));
        assertThat(TopicPatterns.covers("a/b", "a/b/c"), is(false));
        // a substituted value is a literal name: never a wildcard, never more than one level
        assertThat(TopicPatterns.covers("devices/%c/#", "devices/dev1/cmd", "dev", "dev1"), is(true));
        assertThat(TopicPatterns.covers("devices/%c/#", "devices/+/#", "dev", "+"), is(false));
        assertThat(TopicPatterns.covers("devices/%c/#", "devices/#", "dev", "#"), is(false));
        assertThat(TopicPatterns.covers("devices/%c/#", "devices/victim/cmd", "dev", "+"), is(false));
        assertThat(TopicPatterns.covers("devices/%c/#", "devices/a/b/x", "dev", "a/b"), is(false));
        assertThat(TopicPatterns.covers("home/%u", "home/#", "#", "c"), is(false));
        assertThat(TopicPatterns.covers("home/%u", "home/+", "+", "c"), is(false));
        assertThat(TopicPatterns.covers("home/%u", "home/ann", "ann", "c"), is(true));
        assertThat(TopicPatterns.covers("home/%u-%c", "home/ann-phone", "ann", "phone"), is(true));
        assertThat(TopicPatterns.covers("home/%u", "home/", "", "c"), is(false));
    }

    @Test
    void theFirstUserIsAnAdminAndRolesRefuseUnknownPermissions() {
        try (TestDatabase db = new TestDatabase(folder)) {
            Users users = db.users(false);
            users.createAdminIfNone(Optional.of("pw"));
            AccessControl access = db.access(users, Optional.empty());
            Principal admin = users.authenticate("admin", "pw").orElseThrow();
            assertThat(access.isSuperUser(admin), is(true));
            assertThat(access.allows(admin, "Anything", Permission.DELETE), is(true));
            assertThat(access.roles().keySet(), is(Set.of("admin")));
            assertThat(access.users(), is(Map.of("admin", List.of("admin"))));
            ResourceException bad = assertThrows(ResourceException.class,
                    () -> Role.fromJson("x", JSON.readTree("{\"tables\": {\"Dog\": [\"write\"]}}")));
            assertThat(bad.getMessage(), containsString("unknown permission 'write'"));
        }
    }

    private static ResourceException.Kind refusal(Runnable call) {
        return assertThrows(ResourceException.class, call::run).kind();
    }

    private static AccessControl access(TestDatabase db, Optional<String> anonymousRole) {
        Users users = db.users(anonymousRole.isPresent());
        return db.access(users, anonymousRole);
    }

    private static Resource guarded(TestDatabase db, AccessControl access) {
        ResourceRegistry registry = new ResourceRegistry(access);
        db.database.exportTo(registry);
        return registry.find("Dog").orElseThrow();
    }

    private static Role role(String name, String json) {
        try {
            return Role.fromJson(name, JSON.readTree(json));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Content json(String text) {
        try {
            return new Content.Structured(JSON.readTree(text));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
