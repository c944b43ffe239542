package pier.engine;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import pier.query.Query;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Record;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;

/**
 * Queries through the engine, with indexes, against the same query evaluated record by record on the
 * whole table: whatever plan the engine picks, the answer must be the same.
 */
class QueryEngineTest {

    static final String SCHEMA = """
            type Pet @table @export {
              id: Int @primaryKey
              name: String @indexed
              age: Int @indexed
              weight: Float
              tags: [String] @indexed
              any: Any @indexed
              alive: Boolean @indexed
              owner: Owner
            }
            type Owner @sealed { name: String  city: String }
            type Tight @table @export @sealed { id: ID @primaryKey  n: Int @indexed }
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String PETS = """
            [{"id":1,"name":"Rex","age":4,"weight":20.5,"tags":["good","big"],"any":4,"alive":true,"owner":{"name":"Ann"}},
             {"id":2,"name":"Rexi","age":7,"tags":["small"],"any":"4","alive":false,"owner":{"name":"Bob","city":"Oslo"}},
             {"id":3,"name":"Bella","age":2,"weight":3.25,"any":true},
             {"id":4,"name":null,"age":null,"any":null,"tags":[]},
             {"id":5,"age":12,"alive":true,"any":{"a":1}},
             {"id":6,"name":"Ünal 🐕","age":-1,"alive":false,"any":[1,"x"]},
             {"id":7,"name":"rex","weight":0,"owner":{"name":null}},
             {"id":8,"name":"a&b|c","age":4,"any":-2.5,"tags":["big","big"]},
             {"id":-3,"name":"","age":2147483647,"any":"Rex"},
             {"id":10,"name":"Rex","age":0,"any":false}]
            """;

    @TempDir
    Path folder;
    TestDatabase db;
    Resource pets;

    @BeforeEach
    void open() throws JsonProcessingException {
        db = new TestDatabase(folder, SCHEMA);
        pets = db.table("Pet");
        pets.putAll(Request.of(Principal.ANONYMOUS, null).withContent(new Content.Structured(JSON.readTree(PETS))));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private List<JsonNode> list(String query) {
        try (Stream<Record> records = pets.list(Request.of(Principal.ANONYMOUS, null).withQuery(Query.parse(query)))
                .records()) {
            return records.map(Record::value).toList();
        }
    }

    private static List<Integer> ids(List<JsonNode> records) {
        return records.stream().map(r -> r.get("id").intValue()).toList();
    }

    // the query evaluated on every record of the table, sorted with ties by id in the first key's direction
    private List<Integer> oracle(String text) {
        Query query = Query.parse(text);
        Comparator<JsonNode> byId = Comparator.comparingInt(r -> r.get("id").intValue());
        boolean descending = !query.sort().isEmpty() && query.sort().getFirst().descending();
        Stream<JsonNode> matching = list("").stream().filter(query::matches)
                .sorted(query.order().thenComparing(descending ? byId.reversed() : byId));
        List<Integer> all = ids(matching.toList());
        long from = query.limit().map(l -> l.offset()).orElse(0L);
        long to = query.limit().map(l -> l.end()).orElse(Long.MAX_VALUE);
        return all.subList((int) Math.min(from, all.size()), (int) Math.min(to, all.size()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "name=Rex", "name==Rex*", "name===Rex", "name!==Rex", "name=ne=Rex", "name=null", "name===null",
        "name=sw=Re", "name=ew=x", "name=ct=e", "name=gt=R", "name=le=Rex", "name=", "name=%C3%9Cnal%20%F0%9F%90%95",
        "name=ct=%26b", "age=4", "age=gt=4", "age=ge=4", "age=lt=4", "age=le=4", "age=gt=2&age=lt=7",
        "age=gt=2&lt=7", "age=ge=0&le=4&name=Rex", "age=null", "age=ne=4", "age=2147483647", "age=gt=number:3.5",
        "id=4", "id=gt=3", "id=lt=2", "id=ge=-3&id=le=5", "id=ne=1", "id=4.5", "id=gt=3.5", "id=-3",
        "tags=big", "tags=sw=sm", "tags=null", "tags=ne=big",
        "any=4", "any===4", "any===number:4", "any=gt=3", "any=lt=3", "any=true", "any=boolean:false", "any=null",
        "any=x", "any=Rex", "any=ge=R",
        "alive=true", "alive=false", "alive=null",
        "weight=gt=3", "weight=0", "owner.name=Ann", "owner.name=null", "owner.city=Oslo",
        "(name=Rex|name=Bella)&age=gt=1", "name=Rex|age=12|id=7", "(age=lt=0|age=gt=100)|name=rex",
        "name=Rex&alive=true", "name=Rex|weight=gt=10", "(name=Rex|name=rex)&(age=4|age=0)",
        "sort(age)", "sort(-age)", "sort(name)", "sort(-name)", "sort(age,-name)", "sort(-age,id)", "sort(id)",
        "sort(-id)", "sort(weight)", "sort(-owner.name)", "sort(any)", "sort(-alive,age)",
        "sort(age)&limit(3)", "sort(-age)&limit(2,5)", "limit(3)", "limit(2,4)", "name=Rex&sort(-age)",
        "age=gt=0&sort(name)&limit(2)", "sort(-name)&limit(1,3)", "tags=big&sort(-id)", "id=gt=1&sort(-id)&limit(2)",
        "limit(20,30)", "sort(age)&limit(0)",
    })
    void engineAnswersAsTheRecordByRecordEvaluation(String query) {
        assertThat(ids(list(query)), equalTo(oracle(query)));
    }

    @Test
    void answersAreWhatTheLanguageSays() {
        assertThat(ids(list("name=Rex")), equalTo(List.of(1, 10)));
        assertThat(ids(list("age=gt=2&lt=7")), equalTo(List.of(1, 8)));
        assertThat(ids(list("any=4")), equalTo(List.of(1, 2)));
        assertThat(ids(list("any===number:4")), equalTo(List.of(1)));
        assertThat(ids(list("tags=big")), equalTo(List.of(1, 8)));
        assertThat(ids(list("sort(-age)&limit(3)")), equalTo(List.of(-3, 5, 2)));
        // records lacking the sort key come last, in both directions
        assertThat(ids(list("sort(age)")).getLast(), is(7));
        assertThat(ids(list("sort(-age)")).getLast(), is(7));
        assertThat(list("name=Rex&select(age)").size(), is(2));
    }

    @Test
    void indexesFollowUpdatesAndDeletes() throws JsonProcessingException {
        pets.put(Request.of(Principal.ANONYMOUS, "1").withContent(new Content.Structured(JSON.readTree(
                "{\"name\":\"Max\",\"age\":5,\"tags\":[\"big\",\"new\"]}"))));
        pets.delete(Request.of(Principal.ANONYMOUS, "8"));
        pets.patch(Request.of(Principal.ANONYMOUS, "3").withContent(new Content.Structured(JSON.readTree(
                "{\"name\":\"Rex\"}"))));
        assertThat(ids(list("name=Rex")), equalTo(List.of(3, 10)));
        assertThat(ids(list("tags=big")), equalTo(List.of(1)));
        assertThat(ids(list("tags=new")), equalTo(List.of(1)));
        assertThat(ids(list("age=4")), equalTo(List.of()));
        assertThat(ids(list("age=5")), equalTo(List.of(1)));
        for (String query : List.of("name=Rex", "tags=big", "age=ge=4", "sort(-name)", "alive=true")) {
            assertThat(query, ids(list(query)), equalTo(oracle(query)));
        }
    }

    @Test
    void deleteRemovesExactlyTheMatchingRecordsInOneCommit() {
        long batches = db.store.stats().batches();
        long deleted = pets.deleteAll(Request.of(Principal.ANONYMOUS, null).withQuery(Query.parse(
                "age=ge=4&age=le=12")));
        assertThat(deleted, is(4L));
        assertThat(db.store.stats().batches() - batches, is(1L));
        assertThat(ids(list("")), equalTo(List.of(-3, 3, 4, 6, 7, 10)));
        assertThat(ids(list("age=ge=4")), equalTo(List.of(-3)));
        assertThat(pets.deleteAll(Request.of(Principal.ANONYMOUS, null).withQuery(Query.parse("name=nobody"))),
                is(0L));
        assertThat(pets.deleteAll(Request.of(Principal.ANONYMOUS, null)), is(6L));
        assertThat(ids(list("")), equalTo(List.of()));
        assertThat(db.store.scan(Indexes.map(tableOf("Pet"), "age"), pier.store.KeyRange.all()).count(), is(0L));
    }

    private TableDefinition tableOf(String name) {
        return ((Table) db.table(name)).definition();
    }

    @Test
    void queriesThatCanNeverMatchAreRefused() {
        Resource tight = db.table("Tight");
        for (String query : List.of("nosuch=1", "sort(nosuch)", "select(n,nosuch)")) {
            ResourceException e = assertThrows(ResourceException.class, () -> tight.list(Request.of(
                    Principal.ANONYMOUS, null).withQuery(Query.parse(query))));
            assertThat(e.kind(), is(ResourceException.Kind.BAD_REQUEST));
            assertThat(e.getMessage(), containsString("unknown attribute nosuch"));
        }
        for (String query : List.of("age=abc", "age=sw=1", "age===4", "alive=yes", "owner.street=x")) {
            ResourceException e = assertThrows(ResourceException.class, () -> list(query));
            assertThat(query, e.kind(), is(ResourceException.Kind.BAD_REQUEST));
        }
        assertThat(ids(list("nosuch=1")), equalTo(List.of()));
        assertThat(ids(list("age=null&age===null")), equalTo(List.of(4)));
        ResourceException single = assertThrows(ResourceException.class, () -> pets.get(Request.of(
                Principal.ANONYMOUS, "1").withQuery(Query.parse("name=Rex"))));
        assertThat(single.getMessage(), containsString("select() only"));
        ResourceException delete = assertThrows(ResourceException.class, () -> pets.deleteAll(Request.of(
                Principal.ANONYMOUS, null).withQuery(Query.parse("sort(age)"))));
        assertThat(delete.getMessage(), containsString("condition only"));
    }

    @Test
    void aHundredThousandRecordsAnIndexedRangeOfAHundredExaminesAFewHundred() {
        Resource readings = bulk(100_000);
        assertExamines(readings, "value=ge=5000&value=lt=5100", 100, 300);
        assertExamines(readings, "value=ge=5000&lt=5100", 100, 300);
        assertExamines(readings, "group=g7&value=lt=50000", 50, 400);
        assertExamines(readings, "sort(-value)&limit(10)", 10, 30);
        assertExamines(readings, "value=gt=99000&sort(-value)&limit(100)", 100, 2200);
        assertExamines(readings, "id=ge=500&id=lt=600", 100, 300);
        assertExamines(readings, "group=g1|group=g2", 200, 500);
        // and without an index the whole table is read
        assertExamines(readings, "note=n5000", 1, 100_000 + 1);
    }

    private Resource bulk(int count) {
        db.close();
        db = new TestDatabase(folder.resolve("bulk"), """
                type Reading @table @export { id: Int @primaryKey  value: Int @indexed  group: String @indexed
                                              note: String }
                """);
        Resource readings = db.table("Reading");
        for (int start = 0; start < count; start += 10_000) {
            ArrayNode chunk = JSON.createArrayNode();
            for (int i = start; i < Math.min(count, start + 10_000); i++) {
                chunk.addObject().put("id", i).put("value", i).put("group", "g" + (i % 1000)).put("note", "n" + i);
            }
            readings.putAll(Request.of(Principal.ANONYMOUS, null).withContent(new Content.Structured(chunk)));
        }
        return readings;
    }

    private void assertExamines(Resource table, String query, int rows, long atMost) {
        QueryStats before = db.database.queryStats();
        List<Record> result;
        try (Stream<Record> records = table.list(Request.of(Principal.ANONYMOUS, null).withQuery(Query.parse(query)))
                .records()) {
            result = records.toList();
        }
        QueryStats after = db.database.queryStats();
        long examined = after.indexEntriesRead() - before.indexEntriesRead() + after.recordsExamined()
                - before.recordsExamined();
        assertThat(query, result.size(), is(rows));
        assertThat(query + " examined " + examined, examined, lessThanOrEqualTo(atMost));
    }

    @Test
    void addingAnIndexBuildsItAtStartAndRemovingItDropsIt() {
        Resource readings = bulk(2_000);
        assertThat(readings.list(Request.of(Principal.ANONYMOUS, null)).records().count(), is(2_000L));
        db.close();
        String withoutGroup = """
                type Reading @table @export { id: Int @primaryKey  value: Int @indexed  group: String
                                              note: String @indexed }
                """;
        db = new TestDatabase(folder.resolve("bulk"), withoutGroup);
        TableDefinition table = tableOf("Reading");
        assertThat(db.store.scan(Indexes.map(table, "group"), pier.store.KeyRange.all()).count(), is(0L));
        assertThat(db.store.scan(Indexes.map(table, "note"), pier.store.KeyRange.all()).count(), is(2_000L));
        assertExamines(db.table("Reading"), "note=n1234", 1, 2);
        assertExamines(db.table("Reading"), "group=g7", 2, 2_000);
    }

    @Test
    void listsStreamInKeyOrderWithoutASort() {
        List<Integer> all = ids(list(""));
        List<Integer> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.naturalOrder());
        assertThat(all, equalTo(sorted));
        assertThat(ids(list("tags=big|name=Rex")), equalTo(List.of(1, 8, 10)));
    }
}
