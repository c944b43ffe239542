package pier.server;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * GraphQL over HTTP: queries through relationships, the caller's permissions, standard error bodies, and
 * introspection read by graphql-js (the reference implementation) into a schema.
 */
class GraphQlIT {

    private static final String SCHEMA = """
            type Owner @table @export { id: ID @primaryKey  name: String @indexed  dogs: [Dog] @relationship(to: "ownerId") }
            type Dog @table @export(name: "dogs") {
              id: ID @primaryKey  name: String @indexed  age: Int  chip: String  born: Date
              ownerId: ID @indexed  owner: Owner @relationship(from: "ownerId")
            }
            """;

    @TempDir
    static Path folder;
    static InProcessServer server;
    static int port;
    static RestClient admin;

    @BeforeAll
    static void start() throws Exception {
        Path schema = Files.writeString(folder.resolve("schema.graphql"), SCHEMA);
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0", "--mqtt-port", "0",
                "--schema", schema.toString(), "--data", folder.resolve("data").toString());
        port = server.awaitReady();
        admin = new RestClient(port, "admin", "s3cret");
        admin.putJson("/Owner/ann", "{\"name\": \"Ann\"}");
        admin.putJson("/dogs/1", "{\"name\": \"Rex\", \"age\": 3, \"chip\": \"c-1\", \"ownerId\": \"ann\", "
                + "\"born\": \"2021-04-01\"}");
        admin.putJson("/dogs/2", "{\"name\": \"Fido\", \"age\": 5, \"ownerId\": \"ann\"}");
        admin.putJson("/$roles/vet", "{\"tables\": {\"dogs\": {\"read\": true, \"attributes\": {\"chip\": "
                + "{\"read\": false}}}}}");
        admin.putJson("/$users/vet", "{\"password\": \"pw-vet\", \"roles\": [\"vet\"]}");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aQueryFollowsRelationshipsBothWays() {
        JsonNode data = post(admin, "{ dogs(name: \"Rex\") { id name born owner { name dogs { name } } } }")
                .get("data");
        assertThat(data.toString(), is("{\"dogs\":[{\"id\":\"1\",\"name\":\"Rex\",\"born\":\"2021-04-01T00:00:00Z\","
                + "\"owner\":{\"name\":\"Ann\",\"dogs\":[{\"name\":\"Rex\"},{\"name\":\"Fido\"}]}}]}"));
        JsonNode sorted = post(admin, "query Ages($n: Int) { dogs(sort: [\"-age\"], limit: $n) { name } }",
                "{\"n\": 1}").get("data");
        assertThat(sorted.toString(), is("{\"dogs\":[{\"name\":\"Fido\"}]}"));
        assertThat(post(admin, "{ dogs(born: \"2021-04-01T00:00:00Z\") { name } }").get("data").toString(),
                is("{\"dogs\":[{\"name\":\"Rex\"}]}"));
        String get = "/graphql?query=" + URLEncoder.encode("{ Owner { name } }", StandardCharsets.UTF_8);
        assertThat(RestClient.json(admin.get(get, "application/json")).get("data").toString(),
                is("{\"Owner\":[{\"name\":\"Ann\"}]}"));
    }

    @Test
    void theCallersRightsApplyAndErrorsAreStandard() {
        RestClient vet = new RestClient(port, "vet", "pw-vet");
        JsonNode hidden = post(vet, "{ dogs(name: \"Rex\") { name chip } }");
        assertThat(hidden.get("data").toString(), is("{\"dogs\":[{\"name\":\"Rex\",\"chip\":null}]}"));
        JsonNode refused = post(vet, "{ dogs(name: \"Rex\") { owner { name } } }");
        assertThat(refused.get("errors").get(0).get("message").asText(), containsString("vet may not read Owner"));
        JsonNode syntax = post(admin, "{ dogs { name ");
        assertThat(syntax.get("errors").get(0).get("locations").get(0).get("line").asInt(), is(1));
        JsonNode unknown = post(admin, "{ cats { name } }");
        assertThat(unknown.get("errors").get(0).get("message").asText(), containsString("cats"));
        HttpResponse<byte[]> notJson = admin.method("POST", "/graphql", "application/json",
                "{query".getBytes(StandardCharsets.UTF_8));
        assertThat(notJson.statusCode(), is(400));
        assertThat(RestClient.json(notJson).get("errors").get(0).get("message").asText(), containsString("not JSON"));
        assertThat(new RestClient(port, "vet", "wrong").method("POST", "/graphql", "application/json",
                "{\"query\": \"{ Owner { name } }\"}".getBytes(StandardCharsets.UTF_8)).statusCode(), is(401));
    }

    @Test
    void graphQlJsReadsTheSchemaByIntrospection() throws Exception {
        Path tools = Path.of(System.getProperty("pier.tools", ".ci/tools"));
        assertThat("graphql-js is installed by .ci/install-test-tools in " + tools,
                Files.exists(tools.resolve("node_modules/graphql/package.json")), is(true));
        Path script = folder.resolve("introspect.mjs");
        Files.writeString(script, """
                const { getIntrospectionQuery, buildClientSchema, printSchema } = await import(process.argv[2]);
                const response = await fetch('http://127.0.0.1:' + process.argv[3] + '/graphql', {method: 'POST',
                  headers: {'Content-Type': 'application/json', 'Authorization': 'Basic ' + btoa('admin:s3cret')},
                  body: JSON.stringify({query: getIntrospectionQuery()})});
                const result = await response.json();
                if (result.errors) { console.error(JSON.stringify(result.errors)); process.exit(2); }
                console.log(printSchema(buildClientSchema(result.data)));
                """);
        Path graphql = tools.resolve("node_modules/graphql/index.mjs").toAbsolutePath();
        Process node = new ProcessBuilder("node", script.toString(), graphql.toUri().toString(), Integer.toString(port))
                .redirectErrorStream(true).start();
        try {
            assertThat("node finished", node.waitFor(20, TimeUnit.SECONDS), is(true));
            String printed = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(printed, node.exitValue(), is(0));
            assertThat(printed, containsString("type Dog {\n  id: ID!\n  name: String\n  age: Int\n  chip: String\n"
                    + "  born: Date\n  ownerId: ID\n  owner: Owner\n}"));
            assertThat(printed, containsString("dogs(id: ID, name: String, age: Int, chip: String, born: Date, "
                    + "ownerId: ID, limit: Int, offset: Int, sort: [String]): [Dog]"));
            assertThat(printed, containsString("scalar Date"));
        } finally {
            node.destroyForcibly();
        }
    }

    private static JsonNode post(RestClient client, String query) {
        return post(client, query, "null");
    }

    private static JsonNode post(RestClient client, String query, String variables) {
        String body = RestClient.JSON.createObjectNode().put("query", query).set("variables",
                RestClient.read(RestClient.JSON, variables.getBytes(StandardCharsets.UTF_8))).toString();
        HttpResponse<byte[]> response = client.method("POST", "/graphql", "application/json",
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(new String(response.body(), StandardCharsets.UTF_8), response.statusCode(), is(200));
        return RestClient.json(response);
    }
}
