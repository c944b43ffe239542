package pier.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.resource.Content;
import pier.resource.Event;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;
import pier.store.KeyRange;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExpiryTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String SCHEMA = """
            type Session @table(expiration: 60) @export { id: ID @primaryKey  user: String }
            type Offer @table @export { id: ID @primaryKey  until: Date @expiresAt  price: Int }
            """;

    @TempDir
    Path folder;

    @Test
    void aTableExpirationHidesARecordAtOnceThenDeletesItWithTheReasonExpired() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            Resource sessions = db.table("Session");
            sessions.put(write("s1", "ann"));
            sessions.put(write("s2", "bob"));
            try (Subscription one = sessions.subscribe(Request.of(Principal.ANONYMOUS, "s1"), SubscribeOptions.DEFAULT);
                 Subscription all = sessions.subscribe(Request.of(Principal.ANONYMOUS, null), SubscribeOptions.DEFAULT)) {
                assertThat(one.next(WAIT).orElseThrow(), instanceOf(Event.Put.class));
                assertThat(one.next(WAIT).orElseThrow(), instanceOf(Event.Synced.class));
                db.clock.addAndGet(30_000);
                sessions.put(write("s2", "bob"));
                db.clock.addAndGet(31_000);

                assertThrows(ResourceException.class, () -> sessions.get(Request.of(Principal.ANONYMOUS, "s1")));
                assertThat(ids(sessions), is(List.of("s2")));
                Event expired = one.next(WAIT).orElseThrow();
                assertThat(expired, instanceOf(Event.Delete.class));
                assertThat(((Event.Delete) expired).reason(), is(Event.Reason.EXPIRED));
                await().atMost(WAIT).until(() -> db.store.scan(Expiry.map(db.database.table("Session").orElseThrow()
                        .definition()), KeyRange.all()).count() == 1);
                assertThat(sessions.get(Request.of(Principal.ANONYMOUS, "s2")).value().get("user").asText(), is("bob"));
                db.clock.addAndGet(30_000);
                assertThat(ids(sessions), is(List.of()));
                await().atMost(WAIT).until(() -> db.database.sequencer().count(db.database.table("Session")
                        .orElseThrow().definition()) == 0);
                all.close();
            }
        }
    }

    @Test
    void aRecordsOwnExpiresAtTimeCountsAndOneWithoutItStays() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            Resource offers = db.table("Offer");
            String soon = Instant.ofEpochMilli(db.clock.get() + 10_000).toString();
            offers.put(Request.of(Principal.ANONYMOUS, "o1").withContent(new Content.Structured(NODES.objectNode()
                    .put("until", soon).put("price", 5))));
            offers.put(Request.of(Principal.ANONYMOUS, "o2").withContent(new Content.Structured(NODES.objectNode()
                    .put("price", 7))));
            assertThat(offers.get(Request.of(Principal.ANONYMOUS, "o1")).value().get("until").asText(), is(soon));
            db.clock.addAndGet(10_000);
            assertThat(ids(offers), is(List.of("o2")));
            await().atMost(WAIT).until(() -> db.database.sequencer().count(db.database.table("Offer").orElseThrow()
                    .definition()) == 1);
        }
    }

    @Test
    void expiryGivenToATableLaterAppliesToTheRecordsItHas() throws Exception {
        String without = SCHEMA.replace("@table(expiration: 60)", "@table");
        try (TestDatabase db = new TestDatabase(folder, without)) {
            db.table("Session").put(write("old", "ann"));
        }
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            db.clock.addAndGet(61_000);
            assertThat(ids(db.table("Session")), is(List.of()));
        }
    }

    private static Request write(String id, String user) {
        return Request.of(Principal.ANONYMOUS, id).withContent(new Content.Structured(NODES.objectNode()
                .put("user", user)));
    }

    private static List<String> ids(Resource table) {
        try (var records = table.list(Request.of(Principal.ANONYMOUS, null)).records()) {
            return records.map(pier.resource.Record::id).toList();
        }
    }
}
