package pier.server;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send slowly or send much: headers a byte a second, a body a byte a second, unfinished large
 * bodies. None may hold the server: headers get 10 s, a body 30 s, a body is read only for a caller who
 * could write with it, an announced body over the limit is refused from its header, and the bodies in
 * flight together hold at most a quarter of the heap.
 */
class SlowSendersIT {

    @TempDir
    Path folder;

    @Test
    void clientsTricklingHeadersAtTheConnectionLimitDoNotKeepOthersOut() throws Exception {
        try (ServerProcess server = ServerProcess.startUnderLoad(List.of(),
                Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--http-max-connections", "60", "--data", folder.resolve("data").toString())) {
            int port = server.awaitReady();
            List<Socket> slow = new CopyOnWriteArrayList<>();
            // a header line a second on every slow socket: the slow clients' pace
            ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
            pace.scheduleAtFixedRate(() -> slow.forEach(socket -> write(socket, "X-Slow: yes\r\n")), 1, 1,
                    TimeUnit.SECONDS);
            try {
                for (int i = 0; i < 100; i++) {
                    Socket socket = new Socket("127.0.0.1", port);
                    write(socket, "GET /Dog/ HTTP/1.1\r\nHost: x\r\n");
                    slow.add(socket);
                }
                long start = System.nanoTime();
                assertThat(new RestClient(port, "admin", "s3cret").get("/Dog/", "").statusCode(), is(200));
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), lessThan(25L));
            } finally {
                pace.shutdownNow();
                for (Socket socket : slow) {
                    socket.close();
                }
            }
            List<String> problems = server.problems();
            assertThat(String.join("\n", problems), problems.isEmpty(), is(true));
        }
    }

    /** Writes what a slow client sends; false once the server has closed the socket. */
    private static boolean write(Socket socket, String text) {
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            return false; // closed by the server: what is expected of a client this slow
        }
    }

    @Test
    void aBodyTricklingInIsCutOffAndLargeOnesAreRefusedFromTheirHeaders() throws Exception {
        try (ServerProcess server = ServerProcess.startUnderLoad(List.of("-Xmx256m"),
                Map.of("PIER_ADMIN_PASSWORD", "s3cret"),
                "--http-port", "0", "--data", folder.resolve("bodies").toString())) {
            int port = server.awaitReady();
            RestClient admin = new RestClient(port, "admin", "s3cret");
            assertThat(admin.putJson("/$users/nox", "{\"password\": \"pw\", \"roles\": []}").statusCode(), is(204));
            // a user who may not write is refused before a byte of the body is read
            assertThat(status(port, "nox:pw", "Content-Length: 16777216\r\n"), is(403));
            // a body announced over the limit is refused at once, also when the client waits for 100 Continue
            assertThat(status(port, "admin:s3cret", "Content-Length: 999999999\r\nExpect: 100-continue\r\n"), is(413));
            // unfinished 16 MiB bodies: a quarter of the 256 MiB heap holds three or four, the rest get 503
            List<Socket> unfinished = new ArrayList<>();
            int refused = 0;
            try {
                for (int i = 0; i < 10; i++) {
                    Socket socket = request(port, "admin:s3cret", "Content-Length: 16000000\r\n");
                    unfinished.add(socket);
                    socket.setSoTimeout(1_000);
                    try {
                        refused += socket.getInputStream().readNBytes(12).length == 12 ? 1 : 0;
                    } catch (java.net.SocketTimeoutException e) {
                        // still reading the body: its memory is reserved
                    }
                }
                assertThat(refused >= 5, is(true));
                assertThat(admin.get("/Dog/", "").statusCode(), is(200));
                assertTricklingBodyIsCutOff(port);
            } finally {
                for (Socket socket : unfinished) {
                    socket.close();
                }
            }
            List<String> problems = server.problems();
            assertThat(String.join("\n", problems), problems.isEmpty(), is(true));
        }
    }

    // a body that trickles in, a byte a second (the slow client's pace), is cut off after 30 s
    private static void assertTricklingBodyIsCutOff(int port) throws IOException {
        try (Socket trickling = request(port, "admin:s3cret", "Content-Length: 100\r\n")) {
            AtomicBoolean cut = new AtomicBoolean();
            ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
            pace.scheduleAtFixedRate(() -> cut.compareAndSet(false, !write(trickling, " ")), 0, 1, TimeUnit.SECONDS);
            try {
                await("the trickling body was cut off").atMost(Duration.ofSeconds(40)).untilTrue(cut);
            } finally {
                pace.shutdownNow();
            }
        }
    }

    private static int status(int port, String credentials, String headers) throws IOException {
        try (Socket socket = request(port, credentials, headers)) {
            socket.setSoTimeout(5_000);
            String line = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(line.substring(9, 12));
        }
    }

    // a PUT whose headers are sent whole and whose body has begun with one byte
    private static Socket request(int port, String credentials, String headers) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write(("PUT /Dog/big HTTP/1.1\r\nHost: x\r\nAuthorization: Basic "
                + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))
                + "\r\nContent-Type: application/json\r\n" + headers + "\r\n{").getBytes(StandardCharsets.US_ASCII));
        return socket;
    }
}
