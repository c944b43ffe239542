package pier.server;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A table exported and imported whole with {@code ./pier export} and {@code ./pier import} (the scripts
 * themselves, curl underneath), through a server held to a 96 MiB heap: records stream through, they
 * are never all in memory. Prints the rates. The suite moves 20,000 records, beside the other tests;
 * {@code -Dpier.exportRecords=1000000} is the measurement in {@code docs/operations.md}.
 */
class ExportIT {

    private static final String SCHEMA = "type Item @table @export { id: ID @primaryKey  n: Int  note: String  at: Date }\n"
            + "type Copy @table @export { id: ID @primaryKey  n: Int  note: String  at: Date }";
    private static final int RECORDS = Integer.getInteger("pier.exportRecords", 20_000);
    private static final Path PIER = Path.of(System.getProperty("pier.script", "../pier"));

    @TempDir
    Path folder;

    @Test
    void aTableGoesOutAndComesBackInJsonLinesAndOutInCsv() throws Exception {
        Path schema = Files.writeString(folder.resolve("schema.graphql"), SCHEMA);
        Path lines = folder.resolve("items.jsonl");
        try (BufferedWriter out = Files.newBufferedWriter(lines)) {
            for (int i = 0; i < RECORDS; i++) {
                out.write("{\"id\":\"i" + i + "\",\"n\":" + i + ",\"note\":\"" + "x".repeat(100)
                        + "\",\"at\":\"2026-12-07T00:00:00Z\"}\n");
            }
        }
        try (ServerProcess server = ServerProcess.start(List.of("-Xmx96m"), Map.of("PIER_ADMIN_PASSWORD", "s3cret"),
                "--http-port", "0", "--schema", schema.toString(), "--data", folder.resolve("data").toString())) {
            int port = server.awaitReady();
            String url = "http://127.0.0.1:" + port;
            long started = System.nanoTime();
            script("import", "--url", url, "--table", "Item", "--user", "admin:s3cret", lines.toString());
            double importSeconds = (System.nanoTime() - started) / 1e9;
            Path exported = folder.resolve("export.jsonl");
            started = System.nanoTime();
            script("export", "--url", url, "--table", "Item", "--user", "admin:s3cret", "--out", exported.toString());
            double exportSeconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("ExportIT: %,d records imported at %,.0f/s, exported at %,.0f/s (JSON Lines, 96 MiB heap)%n",
                    RECORDS, RECORDS / importSeconds, RECORDS / exportSeconds);
            try (Stream<String> out = Files.lines(exported)) {
                assertThat(out.count(), is((long) RECORDS));
            }
            try (Stream<String> out = Files.lines(exported)) {
                assertThat(out.filter(line -> line.contains("\"id\":\"i4242\"")).findFirst().orElseThrow()
                        .contains("\"n\":4242"), is(true));
            }
            Path csv = folder.resolve("export.csv");
            script("export", "--url", url, "--table", "Item", "--user", "admin:s3cret", "--out", csv.toString(),
                    "--format", "csv");
            try (Stream<String> out = Files.lines(csv)) {
                assertThat(out.count(), is(RECORDS + 1L)); // and the header
            }
            try (Stream<String> out = Files.lines(csv)) {
                assertThat(out.skip(1).findFirst().orElseThrow().contains("2026-12-07T00:00:00Z"), is(true));
            }
            // and the CSV comes back in, typed by the table
            started = System.nanoTime();
            script("import", "--url", url, "--table", "Copy", "--user", "admin:s3cret", csv.toString());
            System.out.printf("ExportIT: %,d records imported from CSV at %,.0f/s%n", RECORDS,
                    RECORDS / ((System.nanoTime() - started) / 1e9));
            RestClient admin = new RestClient(port, "admin", "s3cret");
            for (String id : List.of("i0", "i4242", "i" + (RECORDS - 1))) {
                assertThat(RestClient.json(admin.get("/Copy/" + id, "application/json")),
                        is(RestClient.json(admin.get("/Item/" + id, "application/json"))));
            }
            assertThat(RestClient.json(admin.get("/Copy", "application/json")).get("records").asLong(),
                    is((long) RECORDS));
            try (Stream<String> out = Files.lines(exported)) {
                assertThat(out.findFirst().orElseThrow().contains("\"at\":\"2026-12-07T00:00:00Z\""), is(true));
            }
        }
    }

    private void script(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", PIER.toString()));
        command.addAll(List.of(arguments));
        Path log = folder.resolve("script.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat("pier " + arguments[0] + " finished", process.waitFor(300, TimeUnit.SECONDS), is(true));
            assertThat(Files.readString(log, StandardCharsets.UTF_8), process.exitValue(), is(0));
        } finally {
            process.destroyForcibly();
        }
    }
}
