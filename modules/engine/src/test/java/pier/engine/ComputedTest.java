package pier.engine;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.query.Query;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Record;
import pier.resource.Request;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ComputedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = """
            type Item @table @export {
              id: ID @primaryKey
              price: Float
              tax: Float
              label: String
              total: Float @computed(from: "price * (1 + tax)") @indexed
              title: String @computed(from: "label + ' (' + id + ')'")
            }
            """;

    @TempDir
    Path folder;

    @Test
    void aComputedAttributeIsSetInTheWriteWhateverTheClientSentAndIsIndexed() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            var items = db.table("Item");
            items.put(write("a", "{\"price\": 10, \"tax\": 0.2, \"label\": \"Cup\", \"total\": 999}"));
            items.put(write("b", "{\"price\": 5, \"tax\": 0.1, \"label\": \"Pen\"}"));
            items.put(write("c", "{\"label\": \"Free\"}"));
            JsonNode a = items.get(Request.of(Principal.ANONYMOUS, "a")).value();
            assertThat(a.get("total").asDouble(), is(12.0));
            assertThat(a.get("title").asText(), is("Cup (a)"));
            assertThat(items.get(Request.of(Principal.ANONYMOUS, "c")).value().has("total"), is(false));
            long before = db.database.queryStats().recordsExamined();
            assertThat(ids(items, "total=gt=10"), is(List.of("a")));
            assertThat(db.database.queryStats().recordsExamined() - before, is(1L));
            items.patch(write("b", "{\"tax\": 0.5}"));
            assertThat(items.get(Request.of(Principal.ANONYMOUS, "b")).value().get("total").asDouble(), is(7.5));
        }
    }

    @Test
    void aChangedExpressionIsComputedAgainForEveryRecordAtStart() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            db.table("Item").put(write("a", "{\"price\": 10, \"tax\": 0.2}"));
        }
        try (TestDatabase db = new TestDatabase(folder, SCHEMA.replace("price * (1 + tax)", "price * 2"))) {
            assertThat(db.table("Item").get(Request.of(Principal.ANONYMOUS, "a")).value().get("total").asInt(), is(20));
            assertThat(ids(db.table("Item"), "total==20"), is(List.of("a")));
            assertThat(ids(db.table("Item"), "total==12"), is(List.of()));
        }
    }

    @Test
    void aBadExpressionIsRefusedWithItsPosition() {
        SchemaException e = assertThrows(SchemaException.class, () -> Schema.parse("s",
                "type T @table { id: ID @primaryKey  x: Int @computed(from: \"1 + * 2\")  y: Int @computed }"));
        assertThat(e.getMessage(), containsString("1:44: @computed(from:) of x: unexpected '*' at position 4"));
        assertThat(e.getMessage(), containsString("@computed on y: a table's own attribute, with from: an expression"));
        assertThat(e.getMessage(), containsString("or function: the name of a plugin's function"));
    }

    @Test
    void aFunctionNoPluginProvidesStopsTheStartAndOneThatIsProvidedIsCalled() throws Exception {
        String schema = "type Tag @table @export { id: ID @primaryKey  name: String  upper: String "
                + "@computed(function: \"up\") }";
        try (TestDatabase db = new TestDatabase(folder, schema)) {
            SchemaException missing = assertThrows(SchemaException.class,
                    () -> db.database.useFunctions(java.util.Map.of()));
            assertThat(missing.getMessage(), containsString("Tag.upper: @computed(function: \"up\") names a function "
                    + "no plugin provides"));
            db.database.useFunctions(java.util.Map.of("up", record -> JSON.getNodeFactory().textNode(record
                    .path("name").asText().toUpperCase(java.util.Locale.ROOT))));
            db.table("Tag").put(write("t", "{\"name\": \"calm\"}"));
            assertThat(db.table("Tag").get(Request.of(Principal.ANONYMOUS, "t")).value().get("upper").asText(),
                    is("CALM"));
        }
    }

    private static Request write(String id, String json) throws Exception {
        return Request.of(Principal.ANONYMOUS, id).withContent(new Content.Structured(JSON.readTree(json)));
    }

    private static List<String> ids(pier.resource.Resource table, String query) {
        try (var records = table.list(Request.of(Principal.ANONYMOUS, null).withQuery(Query.parse(query))).records()) {
            return records.map(Record::id).toList();
        }
    }
}
