package pier.engine;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;

/** Tests on the {@code Dog} table of a fresh {@link TestDatabase}, with helpers to write dogs. */
abstract class DogTableTest {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TempDir
    Path folder;
    TestDatabase db;
    Resource dogs;

    @BeforeEach
    void open() {
        db = new TestDatabase(folder);
        dogs = db.table("Dog");
    }

    @AfterEach
    void close() {
        db.close();
    }

    static Request write(String id, JsonNode body) {
        return Request.of(Principal.ANONYMOUS, id).withContent(new Content.Structured(body));
    }

    static ObjectNode dog(String name, int age) {
        return NODES.objectNode().put("name", name).put("age", age);
    }
}
