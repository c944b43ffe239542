package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of malformed HTTP in {@code src/test/resources/hostile-http} replayed on a raw socket: each
 * file is a request as bytes, named after the status it must get. None may get a 500, hang or drop the
 * connection without an answer, and none may change what is stored.
 */
class HostileHttpIT {

    @TempDir
    static Path folder;
    static InProcessServer server;
    static int port;
    static RestClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--data", folder.resolve("data").toString());
        port = server.awaitReady();
        admin = new RestClient(port, "admin", "s3cret");
        assertThat(admin.putJson("/Dog/kept", "{\"name\":\"Rex\",\"age\":3}").statusCode(), is(204));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Stream<String> corpus() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(folder())) {
            return files.map(file -> file.getFileName().toString()).sorted().toList().stream();
        }
    }

    private static Path folder() throws URISyntaxException {
        return Path.of(HostileHttpIT.class.getResource("/hostile-http").toURI());
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void everyMalformedRequestGetsItsAnswer(String name) throws Exception {
        byte[] request = Files.readAllBytes(folder().resolve(name));
        String auth = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));
        request = replace(request, "{AUTH}", auth);
        String response = exchange(request);
        String expected = name.substring(0, 3);
        assertThat(name + ":\n" + response, response.lines().findFirst().orElse(""),
                containsString(" " + expected + " "));
        if (!expected.startsWith("2") && !expected.equals("414")) {
            assertThat(response, containsString("application/problem+json"));
        }
        assertThat(response, not(containsString("500 Internal")));
        if (name.contains("connection-close")) {
            // the server ends the connection after the answer, as the client asked
            assertThat(response, containsString("<end>"));
        }
    }

    @Test
    void nothingStoredChangedAndTheLogHasNoError() throws Exception {
        for (String name : corpus().toList()) {
            everyMalformedRequestGetsItsAnswer(name);
        }
        List<String> dogs = RestClient.json(admin.get("/Dog/", "application/json")).findValuesAsText("id");
        assertThat(dogs, is(List.of("kept")));
        assertThat(RestClient.json(admin.get("/Dog/kept", "application/json")).get("name").asText(), is("Rex"));
        assertThat(String.join("\n", server.problems()), server.problems().isEmpty(), is(true));
    }

    /**
     * Sends the bytes and reads the answer: until the server closes (marked {@code <end>}), or, when the
     * server keeps the connection, until the answer is whole; fails when no answer comes within 5 s.
     */
    private static String exchange(byte[] request) throws IOException {
        boolean untilClosed = new String(request, StandardCharsets.ISO_8859_1).contains("Connection: close");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    answer.write(buffer, 0, read);
                    if (!untilClosed && whole(answer.toString(StandardCharsets.ISO_8859_1))) {
                        return answer.toString(StandardCharsets.ISO_8859_1);
                    }
                }
                answer.writeBytes("<end>".getBytes(StandardCharsets.US_ASCII));
            } catch (SocketTimeoutException e) {
                if (answer.size() == 0) {
                    throw new AssertionError("no answer within 5 s");
                }
            } catch (java.net.SocketException e) {
                // reset after the answer, as a server that closes with unread input does
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    // the head and as much body as Content-Length says, or a chunked body's last chunk
    private static boolean whole(String answer) {
        int head = answer.indexOf("\r\n\r\n");
        if (head < 0) {
            return false;
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)")
                .matcher(answer.substring(0, head));
        if (length.find()) {
            return answer.length() - head - 4 >= Integer.parseInt(length.group(1));
        }
        return answer.endsWith("\r\n0\r\n\r\n");
    }

    private static byte[] replace(byte[] request, String placeholder, String value) {
        String text = new String(request, StandardCharsets.ISO_8859_1);
        return text.replace(placeholder, value).getBytes(StandardCharsets.ISO_8859_1);
    }
}
