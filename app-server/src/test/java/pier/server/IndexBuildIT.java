package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static pier.server.RestClient.json;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Declaring {@code @indexed} on an attribute of existing data builds the index at the next start. */
class IndexBuildIT {

    private static final Pattern EXAMINED = Pattern.compile("(?m)^pier_query_records_examined_total(?:\\{[^}]*})? "
            + "([0-9.E]+)$");

    @TempDir
    Path folder;

    @Test
    void anIndexAddedToTheSchemaIsBuiltAtStartWithProgressInTheLog() throws Exception {
        Path schema = folder.resolve("schema.graphql");
        Files.writeString(schema, "type Dog @table @export { id: ID @primaryKey  name: String  breed: String }");
        String[] args = {"--http-port", "0", "--data", folder.resolve("data").toString(), "--schema", schema.toString()};
        Map<String, String> env = Map.of("PIER_ADMIN_PASSWORD", "s3cret");
        StringBuilder dogs = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            dogs.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i).append("\",\"breed\":\"b")
                    .append(i % 50).append("\"}");
        }
        try (InProcessServer server = InProcessServer.start(env, args)) {
            RestClient admin = new RestClient(server.awaitReady(), "admin", "s3cret");
            assertThat(admin.putJson("/Dog/", dogs.append("]").toString()).statusCode(), is(204));
            assertThat(server.terminate(), is(0));
        }
        Files.writeString(schema, "type Dog @table @export { id: ID @primaryKey  name: String  breed: String @indexed }");
        try (InProcessServer server = InProcessServer.start(env, args)) {
            RestClient admin = new RestClient(server.awaitReady(), "admin", "s3cret");
            String log = String.join("\n", server.stderr());
            assertThat(log, containsString("building index Dog.breed over 500 records"));
            assertThat(log, containsString("built index Dog.breed: 500 records"));
            double before = examined(admin);
            assertThat(json(admin.get("/Dog/?breed=b7", "")).size(), is(10));
            // ten records read, not five hundred
            assertThat(examined(admin) - before, is(10.0));
            assertThat(server.terminate(), is(0));
        }
        Files.writeString(schema, "type Dog @table @export { id: ID @primaryKey  name: String  breed: String }");
        try (InProcessServer server = InProcessServer.start(env, args)) {
            RestClient admin = new RestClient(server.awaitReady(), "admin", "s3cret");
            assertThat(server.stderr(), hasItem(containsString("dropping index index/Dog/breed")));
            double before = examined(admin);
            assertThat(json(admin.get("/Dog/?breed=b7", "")).size(), is(10));
            assertThat(examined(admin) - before, greaterThan(499.0));
            assertThat(examined(admin) - before, lessThan(501.0));
        }
    }

    private static double examined(RestClient client) {
        String metrics = new String(client.get("/observe/metrics", "text/plain").body(), StandardCharsets.UTF_8);
        Matcher m = EXAMINED.matcher(metrics);
        assertThat(metrics, m.find(), is(true));
        return Double.parseDouble(m.group(1));
    }
}
