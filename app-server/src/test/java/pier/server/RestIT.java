package pier.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static pier.server.RestClient.bytes;
import static pier.server.RestClient.json;

/** REST against the built server, over real sockets, in every format and every error path; JSON Lines imports. */
class RestIT {

    @TempDir
    static Path folder;
    static InProcessServer server;
    static RestClient admin;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--data", folder.resolve("data").toString());
        port = server.awaitReady();
        admin = new RestClient(port, "admin", "s3cret");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void putThenGetInEveryFormat() {
        assertThat(admin.putJson("/Dog/1", "{\"name\":\"Rex\",\"age\":3}").statusCode(), is(204));
        HttpResponse<byte[]> asJson = admin.get("/Dog/1", "application/json");
        assertThat(asJson.headers().firstValue("Content-Type").orElseThrow(), is("application/json"));
        JsonNode expected = json(asJson);
        assertThat(expected.get("name").asText(), is("Rex"));
        assertThat(expected.get("id").asText(), is("1"));
        HttpResponse<byte[]> asCbor = admin.get("/Dog/1", "application/cbor");
        assertThat(asCbor.headers().firstValue("Content-Type").orElseThrow(), is("application/cbor"));
        assertThat(RestClient.read(RestClient.CBOR, asCbor.body()), is(expected));
        for (String msgpack : List.of("application/x-msgpack", "application/msgpack", "application/vnd.msgpack")) {
            HttpResponse<byte[]> asMsgpack = admin.get("/Dog/1", msgpack);
            assertThat(RestClient.read(RestClient.MSGPACK, asMsgpack.body()), is(expected));
        }
        assertThat(RestClient.read(RestClient.CBOR, admin.get("/Dog/1.cbor", "application/json").body()), is(expected));
        assertThat(new String(admin.get("/Dog/1.csv", "").body(), StandardCharsets.UTF_8),
                is("\"name\",\"age\",\"id\"\n\"Rex\",3,\"1\"\n"));
    }

    @Test
    void writesInCborAndMessagePackAreStoredAsStructuredData() throws Exception {
        byte[] cbor = RestClient.CBOR.writeValueAsBytes(Map.of("name", "Cb", "age", 2));
        assertThat(admin.put("/Dog/cb", "application/cbor", cbor).statusCode(), is(204));
        byte[] msgpack = RestClient.MSGPACK.writeValueAsBytes(Map.of("name", "Mp", "age", 4));
        assertThat(admin.put("/Dog/mp", "application/x-msgpack", msgpack).statusCode(), is(204));
        assertThat(json(admin.get("/Dog/cb", "application/json")).get("age").asInt(), is(2));
        assertThat(json(admin.get("/Dog/mp", "application/json")).get("name").asText(), is("Mp"));
    }

    @Test
    void serverPreferenceAndNotAcceptable() {
        assertThat(admin.get("/Dog/", "application/json, application/cbor").headers().firstValue("Content-Type")
                .orElseThrow(), is("application/cbor"));
        HttpResponse<byte[]> refused = admin.get("/Dog/", "text/html");
        assertThat(refused.statusCode(), is(406));
        assertThat(refused.headers().firstValue("Content-Type").orElseThrow(), is("application/problem+json"));
        assertThat(json(refused).get("detail").asText(), containsString("application/cbor"));
    }

    @Test
    void patchMergesAndPostCreatesWithLocation() {
        admin.putJson("/Dog/p", "{\"name\":\"Pat\",\"age\":1,\"breed\":\"lab\"}");
        assertThat(admin.method("PATCH", "/Dog/p", "application/json", bytes("{\"age\":2}")).statusCode(), is(204));
        JsonNode patched = json(admin.get("/Dog/p", ""));
        assertThat(patched.get("age").asInt(), is(2));
        assertThat(patched.get("breed").asText(), is("lab"));
        HttpResponse<byte[]> created = admin.method("POST", "/Dog/", "application/json", bytes("{\"name\":\"New\"}"));
        assertThat(created.statusCode(), is(201));
        String id = created.headers().firstValue("Location").orElseThrow();
        assertThat(json(created).asText(), is(id));
        assertThat(json(admin.get("/Dog/" + id, "")).get("name").asText(), is("New"));
    }

    @Test
    void deleteAnswersTrueAndMissingRecordsAre404() {
        admin.putJson("/Dog/gone", "{\"name\":\"Gone\"}");
        HttpResponse<byte[]> deleted = admin.send(admin.request("/Dog/gone").DELETE());
        assertThat(deleted.statusCode(), is(200));
        assertThat(json(deleted).asBoolean(), is(true));
        assertThat(admin.get("/Dog/gone", "").statusCode(), is(404));
        assertThat(json(admin.send(admin.request("/Dog/never").DELETE())).asBoolean(), is(true));
    }

    @Test
    void etagsMakeConditionalRequests() {
        admin.putJson("/Dog/e", "{\"name\":\"E\"}");
        HttpResponse<byte[]> first = admin.get("/Dog/e", "");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(admin.send(admin.request("/Dog/e").header("If-None-Match", etag)).statusCode(), is(304));
        assertThat(admin.send(admin.request("/Dog/e").header("If-None-Match", "W/" + etag)).statusCode(), is(304));
        HttpResponse<byte[]> stale = admin.send(admin.request("/Dog/e").header("If-Match", "\"0\"")
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers
                        .ofString("{\"name\":\"F\"}")));
        assertThat(stale.statusCode(), is(412));
        HttpResponse<byte[]> fresh = admin.send(admin.request("/Dog/e").header("If-Match", etag)
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers
                        .ofString("{\"name\":\"F\"}")));
        assertThat(fresh.statusCode(), is(204));
        assertThat(fresh.headers().firstValue("ETag").orElseThrow(), not(is(etag)));
        String collectionTag = admin.get("/Dog/", "").headers().firstValue("ETag").orElseThrow();
        assertThat(collectionTag, startsWith("W/"));
        assertThat(admin.send(admin.request("/Dog/").header("If-None-Match", collectionTag)).statusCode(), is(304));
    }

    @Test
    void everyClientErrorIsAProblemNeverA500() throws Exception {
        byte[] badCbor = {(byte) 0xa1, 0x61};
        byte[] badMsgpack = {(byte) 0xc1};
        assertProblem(admin.putJson("/Dog/x", "{\"name\":"), 400, "offset");
        assertProblem(admin.put("/Dog/x", "application/cbor", badCbor), 400, "malformed");
        assertProblem(admin.put("/Dog/x", "application/x-msgpack", badMsgpack), 400, "malformed");
        assertProblem(admin.putJson("/Dog/x", "{\"age\":\"old\"}"), 400, "age");
        assertProblem(admin.putJson("/Dog/x", "[1,2]"), 400, "object");
        assertProblem(admin.putJson("/Dog/", "{\"id\":\"a\"}"), 400, "array");
        assertProblem(admin.put("/Dog/x", "text/csv", bytes("a,b")), 415, "read by a collection's import");
        assertProblem(admin.get("/Nope/1", ""), 404, "/Nope");
        assertProblem(admin.method("POST", "/Dog/1", "application/json", bytes("{}")), 405, "POST");
        assertProblem(admin.putJson("/Dog/x", "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}"), 413, "nesting");
        assertProblem(admin.putJson("/Dog/x", "{\"name\":\"x\",\"name\":\"y\"}"), 400, "Duplicate");
        assertThat(admin.get("/Dog/x", "").statusCode(), is(404));
    }

    @Test
    void anArrayPutIsOneAtomicBatch() {
        assertThat(admin.putJson("/Dog/", "[{\"id\":\"b1\",\"name\":\"B1\"},{\"id\":\"b2\",\"name\":\"B2\"}]")
                .statusCode(), is(204));
        assertThat(admin.get("/Dog/b2", "").statusCode(), is(200));
        assertProblem(admin.putJson("/Dog/", "[{\"id\":\"b3\",\"name\":\"B3\"},{\"id\":\"b4\",\"age\":\"x\"}]"), 400,
                "age");
        assertThat(admin.get("/Dog/b3", "").statusCode(), is(404));
    }

    @Test
    void opaqueBodiesComeBackAsTheSameBytes() {
        byte[] calendar = bytes("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
        assertThat(admin.put("/Dog/cal", "text/calendar", calendar).statusCode(), is(204));
        HttpResponse<byte[]> back = admin.get("/Dog/cal", "application/cbor");
        assertThat(back.headers().firstValue("Content-Type").orElseThrow(), is("text/calendar"));
        assertThat(new String(back.body(), StandardCharsets.UTF_8), is(new String(calendar, StandardCharsets.UTF_8)));
    }

    @Test
    void anOpaqueRecordIsIdentifiableInACollectionInEveryFormat() throws Exception {
        assertThat(admin.put("/Dog/plain1", "text/plain", bytes("just text")).statusCode(), is(204));
        JsonNode found = json(admin.get("/Dog/?id=plain1", "application/json"));
        assertThat(found.size(), is(1));
        assertThat(found.get(0).get("id").asText(), is("plain1"));
        assertThat(found.get(0).get("contentType").asText(), is("text/plain"));
        JsonNode cbor = RestClient.read(RestClient.CBOR, admin.get("/Dog/?id=plain1", "application/cbor").body());
        assertThat(cbor.get(0).get("id").asText(), is("plain1"));
        JsonNode msgpack = RestClient.read(RestClient.MSGPACK, admin.get("/Dog/?id=plain1", "application/x-msgpack")
                .body());
        assertThat(msgpack.get(0).get("id").asText(), is("plain1"));
        String csv = new String(admin.get("/Dog/.csv?id=plain1", "text/csv").body(), StandardCharsets.UTF_8);
        assertThat(csv, org.hamcrest.Matchers.containsString("plain1"));
        // and it still reads back as the very bytes it was written as
        assertThat(new String(admin.get("/Dog/plain1", "").body(), StandardCharsets.UTF_8), is("just text"));
    }

    @Test
    void authenticationIsRequired() {
        RestClient anonymous = new RestClient(port, null, null);
        HttpResponse<byte[]> refused = anonymous.get("/Dog/1", "");
        assertThat(refused.statusCode(), is(401));
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow(), startsWith("Basic"));
        assertThat(new RestClient(port, "admin", "wrong").get("/Dog/1", "").statusCode(), is(401));
        assertThat(new RestClient(port, "nobody", "s3cret").get("/Dog/1", "").statusCode(), is(401));
    }

    @Test
    void theRootListsTablesAndTheTableDescribesItself() {
        JsonNode root = json(admin.get("/", ""));
        assertThat(root.get(0).get("name").asText(), is("Dog"));
        assertThat(root.get(0).get("primaryKey").asText(), is("id"));
        JsonNode table = json(admin.get("/Dog", ""));
        assertThat(table.get("attributes").get(1).get("name").asText(), is("name"));
    }

    @Test
    void curlWritesJsonAndReadsCbor() throws Exception {
        String base = "http://127.0.0.1:" + port;
        Process put = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "admin:s3cret",
                "-X", "PUT", "-H", "Content-Type: application/json", "-d", "{\"name\":\"Curl\",\"age\":7}",
                base + "/Dog/curl").start();
        assertThat(new String(put.getInputStream().readAllBytes(), StandardCharsets.UTF_8), is("204"));
        Process get = new ProcessBuilder("curl", "-s", "-u", "admin:s3cret", "-H", "Accept: application/cbor",
                base + "/Dog/curl").start();
        JsonNode record = RestClient.read(RestClient.CBOR, get.getInputStream().readAllBytes());
        assertThat(record.get("age").asInt(), is(7));
        assertThat(put.waitFor() + get.waitFor(), is(0));
    }

    @Test
    void idsMayContainSlashesAndEncodedCharacters() {
        assertThat(admin.putJson("/Dog/a/b", "{\"name\":\"Slash\"}").statusCode(), is(204));
        assertThat(json(admin.get("/Dog/a/b", "")).get("id").asText(), is("a/b"));
        assertThat(admin.putJson("/Dog/caf%C3%A9%20bar", "{\"name\":\"Cafe\"}").statusCode(), is(204));
        assertThat(json(admin.get("/Dog/caf%C3%A9%20bar", "")).get("id").asText(), is("caf\u00e9 bar"));
    }

    @Test
    void headAnswersTheHeadersOfGetWithoutABody() {
        admin.putJson("/Dog/h", "{\"name\":\"Head\"}");
        HttpResponse<byte[]> get = admin.get("/Dog/h", "application/cbor");
        HttpResponse<byte[]> head = admin.send(admin.request("/Dog/h").header("Accept", "application/cbor")
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode(), is(200));
        assertThat(head.body().length, is(0));
        assertThat(head.headers().firstValue("ETag"), is(get.headers().firstValue("ETag")));
        assertThat(head.headers().firstValue("Content-Type").orElseThrow(), is("application/cbor"));
        assertThat(head.headers().firstValue("Content-Length").orElseThrow(), is(String.valueOf(get.body().length)));
        HttpResponse<byte[]> collection = admin.send(admin.request("/Dog/")
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(collection.statusCode(), is(200));
        assertThat(collection.body().length, is(0));
    }

    @Test
    void optionsListsTheAllowedMethods() {
        HttpResponse<byte[]> options = new RestClient(port, null, null).send(new RestClient(port, null, null)
                .request("/Dog/1").method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(options.statusCode(), is(204));
        assertThat(options.headers().firstValue("Allow").orElseThrow(), containsString("PATCH"));
    }

    private static void assertProblem(HttpResponse<byte[]> response, int status, String detail) {
        assertThat(new String(response.body(), StandardCharsets.UTF_8), response.statusCode(), is(status));
        assertThat(response.headers().firstValue("Content-Type").orElseThrow(), is("application/problem+json"));
        assertThat(json(response).get("detail").asText(), containsString(detail));
    }

    @Test
    void aFileLargerThanTheBodyLimitIsStreamedInBatchesWithItsIndexes() throws Exception {
        // 24 MB: half again the 16 MiB a body may have
        Path file = lines(folder.resolve("dogs.ndjson"), 24_000, n -> "{\"id\":\"imp-" + n + "\",\"name\":\"Dog "
                + n + "\",\"age\":" + (n % 20) + ",\"breed\":\"" + "b".repeat(1_000) + "\"}");
        Process curl = new ProcessBuilder("curl", "-sS", "-u", "admin:s3cret", "-X", "PUT", "-H",
                "Content-Type: application/x-ndjson", "-T", "-", "http://127.0.0.1:" + port + "/Dog/")
                .redirectInput(file.toFile()).start();
        String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(), is(0));
        assertThat(answer, is("{\"imported\":24000}"));
        assertThat(json(admin.get("/Dog/imp-23999", "")).get("name").asText(), is("Dog 23999"));
        // the index on age was kept in the same commits
        assertThat(json(admin.get("/Dog/?age==7&id==imp-*&select(id)&limit(2000)", "")).size(), is(1_200));
    }

    @Test
    void aBadLineStopsTheImportWithItsNumberAndTheBatchesBeforeItStay() throws Exception {
        Path file = lines(folder.resolve("bad.ndjson"), 12_000, n -> n == 11_000
                ? "{\"id\":\"bad\",\"age\":\"old\"}" : "{\"id\":\"k" + n + "\",\"name\":\"K\"}");
        Process curl = new ProcessBuilder("curl", "-sS", "-u", "admin:s3cret", "-X", "PUT", "-H",
                "Content-Type: application/x-ndjson", "-T", "-", "-w", " %{http_code}",
                "http://127.0.0.1:" + port + "/Dog/").redirectInput(file.toFile()).start();
        String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        curl.waitFor();
        assertThat(answer, containsString("line 11001: value \\\"old\\\" in attribute age"));
        assertThat(answer, containsString("\"pointer\":\"line 11001/age\""));
        assertThat(answer, containsString("10000 records before it were imported"));
        assertThat(answer.endsWith(" 400"), is(true));
        assertThat(admin.get("/Dog/k9999", "").statusCode(), is(200));
        assertThat(admin.get("/Dog/k10000", "").statusCode(), is(404));
        assertThat(admin.get("/Dog/bad", "").statusCode(), is(404));
    }

    @Test
    void csvRowsAreImportedByTheTableTypesAndABadCellNamesItsLineAndColumn() throws Exception {
        Path good = Files.writeString(folder.resolve("dogs.csv"), "id,name,age\n\"csv1\",\"Rex, the \"\"good\"\" dog\",4\n"
                + "\"csv2\",\"Two\nlines\",\n");
        assertThat(curlImport(good, "text/csv"), is("{\"imported\":2} 200"));
        JsonNode rex = json(admin.get("/Dog/csv1", ""));
        assertThat(rex.get("name").asText(), is("Rex, the \"good\" dog"));
        assertThat(rex.get("age").isInt(), is(true)); // text in the file, an Int in the table
        assertThat(json(admin.get("/Dog/csv2", "")).get("name").asText(), is("Two\nlines"));
        assertThat(json(admin.get("/Dog/csv2", "")).has("age"), is(false)); // an empty cell: no value

        Path bad = Files.writeString(folder.resolve("bad.csv"), "id,age\ncsv3,3\ncsv4,old\n");
        String answer = curlImport(bad, "text/csv");
        assertThat(answer, containsString("line 3: column age: 'old' is not a Int"));
        assertThat(answer.endsWith(" 400"), is(true));
        assertThat(admin.get("/Dog/csv3", "").statusCode(), is(404)); // its batch was refused whole
    }

    private static String curlImport(Path file, String type) throws Exception {
        Process curl = new ProcessBuilder("curl", "-sS", "-u", "admin:s3cret", "-X", "PUT", "-H",
                "Content-Type: " + type, "-T", "-", "-w", " %{http_code}", "http://127.0.0.1:" + port + "/Dog/")
                .redirectInput(file.toFile()).start();
        String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        curl.waitFor();
        return answer;
    }

    @Test
    void pierImportStreamsFilesAndSaysWhatItImported() throws Exception {
        Path file = lines(folder.resolve("cli.ndjson"), 3, n -> "{\"id\":\"cli" + n + "\",\"name\":\"Cli\"}\n");
        Process pier = new ProcessBuilder(Path.of("..", "pier").toAbsolutePath().normalize().toString(), "import",
                "--url", "http://127.0.0.1:" + port, "--table", "Dog", "--user", "admin:s3cret", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(pier.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output, pier.waitFor(), is(0));
        assertThat(output, containsString("{\"imported\":3}"));
        JsonNode record = json(admin.get("/Dog/cli2", ""));
        assertThat(record.get("name").asText(), is("Cli"));
    }

    private static Path lines(Path file, int count, java.util.function.IntFunction<String> line) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            for (int n = 0; n < count; n++) {
                out.write((line.apply(n) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return file;
    }
}
