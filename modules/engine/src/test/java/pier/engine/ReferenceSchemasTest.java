package pier.engine;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.codec.DateNode;
import pier.query.Query;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.ResourceException;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Schemas written the way the reference system's documentation writes them start and behave as it says. */
class ReferenceSchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = """
            type Dog @table @export {
              id: ID @primaryKey
              name: String
              breed: String @indexed
              age: Int
              ownerId: ID @indexed
              owner: Owner @relationship(from: "ownerId")
              createdAt: Date @createdTime
              updatedAt: Date @updatedTime
            }
            type Owner @table @export {
              id: ID @primaryKey
              name: String
              dogs: [Dog] @relationship(to: "ownerId")
            }
            type Session @table(expiration: 3600) @export {
              id: ID @primaryKey
              userId: ID
            }
            type Product @table(audit: true) @export(name: "products") {
              id: ID @primaryKey
              price: Float
              taxRate: Float
              totalPrice: Float @computed(from: "price + (price * taxRate)") @indexed
              picture: Blob
              tags: [String]
              details: Any
              stock: BigInt
            }
            """;

    @TempDir
    Path folder;

    @Test
    void theDocumentedExampleSchemaStartsAndBehaves() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            db.table("Owner").put(write("o1", "{\"name\": \"Kyle\"}"));
            db.table("Dog").put(write("d1", "{\"name\": \"Harper\", \"breed\": \"Mutt\", \"age\": 5, \"ownerId\": \"o1\"}"));
            JsonNode dog = db.table("Dog").get(Request.of(Principal.ANONYMOUS, "d1")).value();
            assertThat(dog.get("createdAt"), instanceOf(DateNode.class));
            assertThat(dog.get("updatedAt"), is(dog.get("createdAt")));
            try (var rows = db.table("Dog").list(Request.of(Principal.ANONYMOUS, null)
                    .withQuery(Query.parse("owner.name==Kyle&select(name,owner{name})"))).records()) {
                assertThat(rows.map(r -> Query.parse("select(name,owner{name})").project(r.value()).toString()).toList(),
                        is(List.of("{\"name\":\"Harper\",\"owner\":{\"name\":\"Kyle\"}}")));
            }
            db.table("products").put(write("p1", "{\"price\": 100, \"taxRate\": 0.08, \"stock\": 18446744073709551616}"));
            JsonNode product = db.table("products").get(Request.of(Principal.ANONYMOUS, "p1")).value();
            assertThat(product.get("totalPrice").asDouble(), is(108.0));
            assertThat(product.get("stock").bigIntegerValue().toString(), is("18446744073709551616"));
            db.table("Session").put(write("s1", "{\"userId\": \"o1\"}"));
            db.clock.addAndGet(3_600_000);
            assertThrows(ResourceException.class, () -> db.table("Session").get(Request.of(Principal.ANONYMOUS, "s1")));
        }
    }

    private static Request write(String id, String json) throws Exception {
        return Request.of(Principal.ANONYMOUS, id).withContent(new Content.Structured(JSON.readTree(json)));
    }
}
