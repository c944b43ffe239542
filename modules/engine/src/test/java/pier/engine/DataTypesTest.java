package pier.engine;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.codec.DateNode;
import pier.query.Query;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Record;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DataTypesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = """
            type Event @table @export {
              id: ID @primaryKey
              at: Date @indexed
              big: BigInt
              tags: [Date]
              created: Date @createdTime
              updated: Float @updatedTime
            }
            """;

    @TempDir
    Path folder;

    @Test
    void datesAreStoredAsDatesWhateverFormTheyCameInAndTimesAreTheServers() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            Resource events = db.table("Event");
            events.put(write("e1", """
                    {"at": "2026-05-01T12:00:00+02:00", "big": 123456789012345678901234567890,
                     "tags": ["2026-01-01", 1700000000000], "created": "1999-01-01T00:00:00Z", "updated": 5}"""));
            JsonNode stored = events.get(Request.of(Principal.ANONYMOUS, "e1")).value();
            assertThat(stored.get("at"), is(DateNode.of(Instant.parse("2026-05-01T10:00:00Z"))));
            assertThat(stored.get("tags").get(0), is(DateNode.of(Instant.parse("2026-01-01T00:00:00Z"))));
            assertThat(stored.get("tags").get(1), is(DateNode.ofEpochMilli(1_700_000_000_000L)));
            assertThat(stored.get("big").bigIntegerValue(), is(new BigInteger("123456789012345678901234567890")));
            assertThat(stored.get("created"), is(DateNode.ofEpochMilli(db.clock.get())));
            assertThat(stored.get("updated").longValue(), is(db.clock.get()));
            String json = new String(db.codecs.forContentType("application/json").orElseThrow().encode(stored),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(json, containsString("\"at\":\"2026-05-01T10:00:00Z\""));
            assertThat(json, containsString("\"big\":123456789012345678901234567890"));
        }
    }

    @Test
    void datesCompareAndSortInTimeOrderThroughTheirIndex() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            Resource events = db.table("Event");
            events.put(write("late", "{\"at\": \"2026-03-01T00:00:00Z\"}"));
            events.put(write("early", "{\"at\": \"2025-12-31T23:59:59.999Z\"}"));
            events.put(write("middle", "{\"at\": \"2026-01-15\"}"));
            assertThat(ids(events, "at=ge=date:2026-01-01&sort(at)"), is(List.of("middle", "late")));
            assertThat(ids(events, "sort(-at)"), is(List.of("late", "middle", "early")));
        }
    }

    @Test
    void aValueThatIsNoDateIsRefusedNamingTheAttribute() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            ResourceException refused = assertThrows(ResourceException.class, () -> db.table("Event")
                    .put(write("bad", "{\"at\": \"yesterday\"}")));
            assertThat(refused.getMessage(), containsString("in attribute at must be a date"));
            assertThat(db.table("Event").put(write("ok", "{\"big\": 1}")).value().get("at"), is((JsonNode) null));
            assertThat(assertThrows(ResourceException.class, () -> db.table("Event").put(write("bad", "{\"big\": 1.5}")))
                    .getMessage(), containsString("in attribute big must be an integer"));
        }
    }

    private static Request write(String id, String json) throws Exception {
        return Request.of(Principal.ANONYMOUS, id).withContent(new Content.Structured(JSON.readTree(json)));
    }

    private static List<String> ids(Resource table, String query) {
        try (var records = table.list(Request.of(Principal.ANONYMOUS, null).withQuery(Query.parse(query))).records()) {
            return records.map(Record::id).toList();
        }
    }
}
