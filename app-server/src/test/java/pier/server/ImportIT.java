package pier.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static pier.server.RestClient.json;

/** JSON Lines imports over real sockets: streamed past the body limit, by curl and by ./pier import. */
class ImportIT {

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
    void aFileLargerThanTheBodyLimitIsStreamedInBatchesWithItsIndexes() throws Exception {
        // 24 MB: half again the 16 MiB a body may have
        Path file = lines(folder.resolve("dogs.ndjson"), 24_000, n -> "{\"id\":\"i" + n + "\",\"name\":\"Dog "
                + n + "\",\"age\":" + (n % 20) + ",\"breed\":\"" + "b".repeat(1_000) + "\"}");
        Process curl = new ProcessBuilder("curl", "-sS", "-u", "admin:s3cret", "-X", "PUT", "-H",
                "Content-Type: application/x-ndjson", "-T", "-", "http://127.0.0.1:" + port + "/Dog/")
                .redirectInput(file.toFile()).start();
        String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(), is(0));
        assertThat(answer, is("{\"imported\":24000}"));
        assertThat(json(admin.get("/Dog/i23999", "")).get("name").asText(), is("Dog 23999"));
        // the index on age was kept in the same commits
        assertThat(json(admin.get("/Dog/?age==7&id=ge=i&select(id)&limit(2000)", "")).size(), is(1_200));
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
