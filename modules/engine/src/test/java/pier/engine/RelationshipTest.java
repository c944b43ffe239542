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
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.SubscribeOptions;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RelationshipTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SCHEMA = """
            type Owner @table @export {
              id: ID @primaryKey
              name: String @indexed
              dogs: [Dog] @relationship(to: "ownerId")
            }
            type Dog @table @export {
              id: ID @primaryKey
              name: String
              ownerId: ID @indexed
              owner: Owner @relationship(from: "ownerId")
            }
            """;

    @TempDir
    Path folder;

    @Test
    void selectJoinsTheRelatedRecordsEachWay() throws Exception {
        try (TestDatabase db = owners()) {
            JsonNode dogs = list(db.table("Dog"), "(id==d1|id==d2)&select(name,owner{name})");
            assertThat(dogs.toString(), is("[{\"name\":\"Rex\",\"owner\":{\"name\":\"Ann\"}},"
                    + "{\"name\":\"Bo\",\"owner\":{\"name\":\"Bob\"}}]"));
            JsonNode ann = list(db.table("Owner"), "id==o1&select(name,dogs{name})");
            assertThat(ann.toString(), is("[{\"name\":\"Ann\",\"dogs\":[{\"name\":\"Rex\"},{\"name\":\"Fido\"}]}]"));
            JsonNode one = new ObjectMapper().valueToTree(List.of(Query.parse("select(name,owner{name})")
                    .project(db.table("Dog").get(Request.of(Principal.ANONYMOUS, "d1").withQuery(Query.parse(
                            "select(name,owner{name})"))).value())));
            assertThat(one.get(0).get("owner").get("name").asText(), is("Ann"));
        }
    }

    @Test
    void aConditionThroughARelationshipIsPlannedOnTheRelatedTablesIndex() throws Exception {
        try (TestDatabase db = owners()) {
            Resource dogs = db.table("Dog");
            for (int i = 0; i < 200; i++) {
                dogs.put(write("x" + i, "{\"name\": \"stray" + i + "\", \"ownerId\": \"o" + (i % 50 + 10) + "\"}"));
            }
            long before = db.database.queryStats().recordsExamined();
            assertThat(list(dogs, "owner.name==Ann&select(name)").toString(), is("[\"Rex\",\"Fido\"]"));
            // Ann herself, then her two dogs: nothing else read
            assertThat(db.database.queryStats().recordsExamined() - before, lessThan(5L));
            assertThat(list(db.table("Owner"), "dogs.name==Bo&select(name)").toString(), is("[\"Bob\"]"));
            assertThat(list(dogs, "owner.name==Nobody").toString(), is("[]"));
        }
    }

    @Test
    void aRelationshipIsReadNeverWrittenAndLiveQueriesDoNotGoThroughOne() throws Exception {
        try (TestDatabase db = owners()) {
            ResourceException refused = assertThrows(ResourceException.class, () -> db.table("Dog").put(write("d9",
                    "{\"name\": \"X\", \"owner\": {\"name\": \"Ann\"}}")));
            assertThat(refused.getMessage(), containsString("owner is a relationship, joined when read; write attribute "
                    + "ownerId"));
            assertThrows(ResourceException.class, () -> db.table("Dog").subscribe(Request.of(Principal.ANONYMOUS, null)
                    .withQuery(Query.parse("owner.name==Ann")), SubscribeOptions.DEFAULT));
            assertThrows(ResourceException.class, () -> list(db.table("Dog"), "sort(owner.name)"));
        }
    }

    @Test
    void aRelationshipMustLeadToATableThroughAnAttributeThatExists() {
        SchemaException e = assertThrows(SchemaException.class, () -> Schema.parse("s", """
                type Owner @table { id: ID @primaryKey  dogs: [Dog] @relationship(to: "keeper")  pet: Dog @relationship(to: "x") }
                type Dog @table { id: ID @primaryKey  owner: Owner @relationship(from: "ownerId")  home: Home @relationship(from: "id") }
                type Home { street: String }
                """));
        assertThat(e.getMessage(), containsString("1:82: @relationship on pet takes from: (one record, type Dog) or to:"));
        assertThat(e.getMessage(), containsString("2:84: @relationship on home: a table's own attribute whose type is"));
        assertThat(e.getMessage(), containsString("Owner.dogs: @relationship(to: \"keeper\") names no attribute of Dog"));
        assertThat(e.getMessage(), containsString("Dog.owner: @relationship(from: \"ownerId\") names no attribute of Dog"));
    }

    private TestDatabase owners() throws Exception {
        TestDatabase db = new TestDatabase(folder, SCHEMA);
        db.table("Owner").put(write("o1", "{\"name\": \"Ann\"}"));
        db.table("Owner").put(write("o2", "{\"name\": \"Bob\"}"));
        for (int i = 10; i < 60; i++) {
            db.table("Owner").put(write("o" + i, "{\"name\": \"other" + i + "\"}"));
        }
        db.table("Dog").put(write("d1", "{\"name\": \"Rex\", \"ownerId\": \"o1\"}"));
        db.table("Dog").put(write("d2", "{\"name\": \"Bo\", \"ownerId\": \"o2\"}"));
        db.table("Dog").put(write("d3", "{\"name\": \"Fido\", \"ownerId\": \"o1\"}"));
        return db;
    }

    private static Request write(String id, String json) throws Exception {
        return Request.of(Principal.ANONYMOUS, id).withContent(new Content.Structured(JSON.readTree(json)));
    }

    private static JsonNode list(Resource table, String query) {
        Query parsed = Query.parse(query);
        try (var records = table.list(Request.of(Principal.ANONYMOUS, null).withQuery(parsed)).records()) {
            return JSON.valueToTree(records.map(r -> parsed.selection().map(s -> s.project(r.value())).orElse(r.value()))
                    .toList());
        }
    }
}
