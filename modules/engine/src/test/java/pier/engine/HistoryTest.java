package pier.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.query.Query;
import pier.resource.Content;
import pier.resource.Event;
import pier.resource.Principal;
import pier.resource.Record;
import pier.resource.Replay;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;
import pier.store.KeyRange;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HistoryTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String SCHEMA = """
            type Dog @table(audit: true) @export { id: ID @primaryKey  name: String  age: Int }
            type Cat @table @export { id: ID @primaryKey  name: String }
            """;

    @TempDir
    Path folder;

    @Test
    void aRecordsHistoryIsItsChangesNewestFirstPagedByLimit() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            Resource dogs = db.table("Dog");
            dogs.put(write("7", 1));
            dogs.put(write("70", 9)); // a key that starts like the other: not its history
            dogs.put(write("7", 2));
            dogs.delete(Request.of(Principal.ANONYMOUS, "7"));
            dogs.put(write("7", 3));
            List<JsonNode> changes = history(dogs, "");
            assertThat(changes.stream().map(c -> c.get("type").asText()).toList(), is(List.of("put", "delete", "put",
                    "put")));
            assertThat(changes.stream().map(c -> c.path("value").path("age").asInt(-1)).toList(), is(List.of(3, -1, 2,
                    1)));
            assertThat(Instant.parse(changes.getFirst().get("time").asText()).toEpochMilli(), is(db.clock.get()));
            assertThat(history(dogs, "limit(1,3)").stream().map(c -> c.get("type").asText()).toList(),
                    is(List.of("delete", "put")));
            ResourceException refused = assertThrows(ResourceException.class, () -> history(db.table("Cat"), ""));
            assertThat(refused.getMessage(), containsString("table Cat keeps no history: declare it with "
                    + "@table(audit: true)"));
        }
    }

    @Test
    void aPrunedChangeLeavesTheHistoryToo() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, ChangeFeed.FeedRetention.DEFAULT, SCHEMA)) {
            Resource dogs = db.table("Dog");
            dogs.put(write("7", 1));
            dogs.put(write("7", 2));
            db.clock.addAndGet(Duration.ofDays(8).toMillis());
            dogs.put(write("7", 3));
            db.database.feed().prune();
            assertThat(history(dogs, "").size(), is(1));
            assertThat(db.store.scan(History.map(db.database.table("Dog").orElseThrow().definition()), KeyRange.all())
                    .count(), is(1L));
        }
    }

    @Test
    void aSubscriptionReplaysTheLastChangesOrThoseSinceATimeThenGoesOnLive() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            for (String table : List.of("Dog", "Cat")) {
                Resource resource = db.table(table);
                resource.put(write("7", 1));
                db.clock.addAndGet(1000);
                resource.put(write("7", 2));
                resource.put(write("8", 5));
                db.clock.addAndGet(1000);
                long since = db.clock.get();
                resource.put(write("7", 3));
                db.clock.addAndGet(1000);
                resource.put(write("7", 4));

                assertThat(table, ages(resource, "7", new Replay(2, Optional.empty()), 2), is(List.of(3, 4)));
                assertThat(table, ages(resource, "7", new Replay(0, Optional.of(Instant.ofEpochMilli(since))), 2),
                        is(List.of(3, 4)));
                assertThat(table, ages(resource, null, new Replay(3, Optional.empty()), 3), is(List.of(5, 3, 4)));
                try (Subscription live = resource.subscribe(replaying("7", new Replay(1, Optional.empty())),
                        SubscribeOptions.DEFAULT)) {
                    assertThat(live.next(WAIT).orElseThrow().record().orElseThrow().value().get("age").asInt(), is(4));
                    assertThat(live.next(WAIT).orElseThrow(), instanceOf(Event.Synced.class));
                    resource.put(write("7", 6));
                    assertThat(live.next(WAIT).orElseThrow().record().orElseThrow().value().get("age").asInt(), is(6));
                }
            }
        }
    }

    private static List<Integer> ages(Resource table, String id, Replay replay, int count) throws Exception {
        List<Integer> ages = new ArrayList<>();
        try (Subscription subscription = table.subscribe(replaying(id, replay), SubscribeOptions.DEFAULT)) {
            for (int i = 0; i < count; i++) {
                ages.add(subscription.next(WAIT).orElseThrow().record().orElseThrow().value().get("age").asInt());
            }
            assertThat(subscription.next(WAIT).orElseThrow(), instanceOf(Event.Synced.class));
        }
        return ages;
    }

    private static Request replaying(String id, Replay replay) {
        return Request.of(Principal.ANONYMOUS, id).withReplay(Optional.of(replay));
    }

    private static List<JsonNode> history(Resource table, String query) {
        try (var changes = table.history(Request.of(Principal.ANONYMOUS, "7").withQuery(Query.parse(query)))
                .records()) {
            return changes.map(Record::value).toList();
        }
    }

    private static Request write(String id, int age) {
        return Request.of(Principal.ANONYMOUS, id).withContent(new Content.Structured(JsonNodeFactory.instance
                .objectNode().put("name", "n" + id).put("age", age)));
    }
}
