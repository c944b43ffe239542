package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static pier.server.RestClient.bytes;
import static pier.server.RestClient.json;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query language over REST against the built server, with curl as an outside client. */
class QueryIT {

    private static final String SCHEMA = """
            type Dog @table @export { id: ID @primaryKey  name: String @indexed  age: Int @indexed  breed: String
                                      owner: Owner }
            type Owner { name: String }
            type Cat @table @export @sealed { id: Int @primaryKey  name: String @indexed  lives: Int }
            """;
    private static final String DOGS = """
            [{"id":"1","name":"Rex","age":4,"breed":"lab","owner":{"name":"Ann"}},
             {"id":"2","name":"Rexi","age":7,"breed":"pug"},
             {"id":"3","name":"Bella","age":2,"breed":"lab"},
             {"id":"4","name":"Ünal 🐕","age":9},
             {"id":"5","age":1,"breed":"pug"}]
            """;

    @TempDir
    static Path folder;
    static InProcessServer server;
    static RestClient admin;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        Path schema = Files.writeString(folder.resolve("schema.graphql"), SCHEMA);
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--data", folder.resolve("data").toString(), "--schema", schema.toString());
        port = server.awaitReady();
        admin = new RestClient(port, "admin", "s3cret");
        assertThat(admin.putJson("/Dog/", DOGS).statusCode(), is(204));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static List<String> ids(HttpResponse<byte[]> response) {
        assertThat(new String(response.body(), StandardCharsets.UTF_8), response.statusCode(), is(200));
        List<String> ids = new ArrayList<>();
        json(response).forEach(dog -> ids.add(dog.get("id").asText()));
        return ids;
    }

    @Test
    void filtersSortsAndLimits() {
        assertThat(ids(admin.get("/Dog/?age=gt=3", "")), is(List.of("1", "2", "4")));
        assertThat(ids(admin.get("/Dog/?age=gt=3&sort(-age)&limit(2)", "")), is(List.of("4", "2")));
        assertThat(ids(admin.get("/Dog/?age=gt=1&lt=7", "")), is(List.of("1", "3")));
        assertThat(ids(admin.get("/Dog/?(name=Rex%7Cname=Bella)&age=gt=1", "")), is(List.of("1", "3")));
        assertThat(ids(admin.get("/Dog/?name==Re*&breed=pug", "")), is(List.of("2")));
        assertThat(ids(admin.get("/Dog/?owner.name=Ann", "")), is(List.of("1")));
        assertThat(ids(admin.get("/Dog/?name=%C3%9Cnal%20%F0%9F%90%95", "")), is(List.of("4")));
        // a dog without a name sorts last, in both directions
        assertThat(ids(admin.get("/Dog/?sort(name)", "")), is(List.of("3", "1", "2", "4", "5")));
        assertThat(ids(admin.get("/Dog/?sort(-name)", "")), is(List.of("4", "2", "1", "3", "5")));
        assertThat(ids(admin.get("/Dog/?breed=lab&sort(-age)&limit(1,5)", "")), is(List.of("3")));
    }

    @Test
    void selectShapesEveryFormat() throws IOException {
        String query = "/Dog/?breed=lab&select(name,age)";
        assertThat(json(admin.get(query, "")).toString(),
                is("[{\"name\":\"Rex\",\"age\":4},{\"name\":\"Bella\",\"age\":2}]"));
        JsonNode expected = json(admin.get(query, "application/json"));
        assertThat(RestClient.read(RestClient.CBOR, admin.get(query, "application/cbor").body()), is(expected));
        assertThat(RestClient.read(RestClient.MSGPACK, admin.get(query, "application/x-msgpack").body()), is(expected));
        assertThat(new String(admin.get(query, "text/csv").body(), StandardCharsets.UTF_8),
                is("\"name\",\"age\"\n\"Rex\",4\n\"Bella\",2\n"));
        assertThat(json(admin.get("/Dog/?sort(age)&select(name)", "")).toString(),
                is("[null,\"Bella\",\"Rex\",\"Rexi\",\"Ünal 🐕\"]"));
        assertThat(json(admin.get("/Dog/?id=gt=3&select(%5Bid,breed%5D)", "")).toString(),
                is("[[\"4\",null],[\"5\",\"pug\"]]"));
        assertThat(json(admin.get("/Dog/1?select(name)", "")).toString(), is("\"Rex\""));
        assertThat(json(admin.get("/Dog/1?select(name,owner.name)", "")).toString(),
                is("{\"name\":\"Rex\",\"owner.name\":\"Ann\"}"));
    }

    @Test
    void badQueriesAreProblemsNamingThePosition() {
        assertProblem(admin.get("/Dog/?bad((", ""), "position 0");
        assertProblem(admin.get("/Dog/?name=Rex&age=3%7Cage=4", ""), "cannot mix '&' and '|' at one level");
        assertProblem(admin.get("/Dog/?age=foo=3", ""), "unknown operator =foo=");
        assertProblem(admin.get("/Dog/?age=gt=", ""), "expected a value after =gt= at position 7");
        assertProblem(admin.get("/Dog/?age=old", ""), "age is a number");
        assertProblem(admin.get("/Cat/?nosuch=1", ""), "unknown attribute nosuch at position 0");
        assertProblem(admin.get("/Dog/1?name=Rex", ""), "select() only");
        assertProblem(admin.method("PUT", "/Dog/9?name=Rex", "application/json", bytes("{}")), "takes no query");
        assertProblem(admin.method("DELETE", "/Dog/?sort(age)", "application/json", new byte[0]),
                "condition only");
        assertThat(admin.get("/Dog/9", "").statusCode(), is(404));
        // an attribute that a table without @sealed does not declare simply matches nothing
        assertThat(ids(admin.get("/Dog/?color=red", "")), is(List.of()));
    }

    private static void assertProblem(HttpResponse<byte[]> response, String detail) {
        assertThat(response.statusCode(), is(400));
        assertThat(response.headers().firstValue("Content-Type").orElseThrow(), is("application/problem+json"));
        assertThat(json(response).get("detail").asText(), containsString(detail));
    }

    @Test
    void deleteByQueryDeletesExactlyTheMatches() {
        assertThat(admin.putJson("/Cat/", "[{\"id\":1,\"name\":\"Tom\",\"lives\":9},{\"id\":2,\"name\":\"Kit\","
                + "\"lives\":3},{\"id\":3,\"name\":\"Tim\",\"lives\":1}]").statusCode(), is(204));
        HttpResponse<byte[]> deleted = admin.method("DELETE", "/Cat/?name=sw=T&lives=lt=5", "application/json",
                new byte[0]);
        assertThat(deleted.statusCode(), is(200));
        assertThat(ids(admin.get("/Cat/", "")), is(List.of("1", "2")));
    }

    @Test
    void curlQueriesWithTheLanguageAsWritten() throws Exception {
        String url = "http://127.0.0.1:" + port + "/Dog/?(age=ge=4|name=Bella)&sort(-age)&select([name,age])";
        Process curl = new ProcessBuilder("curl", "-sS", "-g", "-u", "admin:s3cret", "-H", "Accept: application/json",
                url).redirectErrorStream(true).start();
        String body = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(), is(0));
        assertThat(body, is("[[\"Ünal 🐕\",9],[\"Rexi\",7],[\"Rex\",4],[\"Bella\",2]]"));
    }
}
