package pier.server;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket and an event stream whose clients stop reading while 100,000 changes flow: both are cut
 * off, the server (its heap capped at 128 MB) stays up, and a WebSocket and an event stream that keep
 * reading get every change.
 */
class SlowClientIT {

    private static final int CHANGES = 100_000;
    private static final int BATCH = 500;
    private static final String AUTHORIZATION = "Basic " + Base64.getEncoder().encodeToString(
            "admin:s3cret".getBytes(StandardCharsets.UTF_8));
    private static final Pattern FELL_BEHIND = Pattern.compile(
            "(?m)^pier_clients_fell_behind_total(?:\\{[^}]*\\})? (\\S+)");

    @TempDir
    static Path folder;
    static ServerProcess server;
    static RestClient admin;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.startUnderLoad(List.of("-Xmx128m"),
                Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--data", folder.resolve("data").toString());
        port = server.awaitReady();
        admin = new RestClient(port, "admin", "s3cret");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aClientThatStopsReadingIsCutOffWhileTheOthersGetEveryChange() throws Exception {
        AtomicInteger webSocketPuts = new AtomicInteger();
        AtomicInteger eventStreamPuts = new AtomicInteger();
        HttpClient http = HttpClient.newHttpClient();
        try (Socket stalledWebSocket = stalled("Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
             Socket stalledEventStream = stalled("Accept: text/event-stream\r\n")) {
            WebSocket reader = http.newWebSocketBuilder().header("Authorization", AUTHORIZATION)
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/Dog/"), counting(webSocketPuts))
                    .get(5, TimeUnit.SECONDS);
            CompletableFuture<?> stream = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/Dog/")).header("Authorization", AUTHORIZATION).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.fromLineSubscriber(new LineCounter(eventStreamPuts)));
            try {
                for (int first = 0; first < CHANGES; first += BATCH) {
                    int start = first;
                    String batch = IntStream.range(first, first + BATCH).mapToObj(i -> "{\"id\":\"" + i
                            + "\",\"name\":\"n" + i + "\",\"age\":" + i % 20 + "}")
                            .collect(Collectors.joining(",", "[", "]"));
                    assertThat(admin.putJson("/Dog/", batch).statusCode(), is(204));
                    // the readers keep up: each batch reaches them before the next one is written
                    await().atMost(Duration.ofSeconds(20)).until(() -> webSocketPuts.get() >= start + BATCH
                            && eventStreamPuts.get() >= start + BATCH);
                }
                assertThat(webSocketPuts.get(), is(CHANGES));
                assertThat(eventStreamPuts.get(), is(CHANGES));
            } finally {
                reader.abort();
                stream.cancel(true);
            }
            // the stalled clients were cut off: what the socket buffers held, then the end of the stream
            assertThat(drainToEnd(stalledWebSocket), lessThan(CHANGES * 40L));
            assertThat(drainToEnd(stalledEventStream), lessThan(CHANGES * 40L));
        }
        assertThat(fellBehind(), greaterThanOrEqualTo(2.0));
        assertThat(admin.get("/Dog/99999", "application/json").statusCode(), is(200));
    }

    /** A connection that sends its request and never reads; a small receive window fills fast. */
    private static Socket stalled(String headers) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.getOutputStream().write(("GET /Dog/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTHORIZATION
                + "\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** Reads until the server closes the connection; fails if it stays open. */
    private static long drainToEnd(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[65536];
        long total = 0;
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
        } catch (java.net.SocketException e) {
            // a reset ends the connection as well
        }
        return total;
    }

    private static WebSocket.Listener counting(AtomicInteger puts) {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    if (text.indexOf("\"type\":\"put\"") >= 0) {
                        puts.incrementAndGet();
                    }
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        };
    }

    /** Counts {@code event: put} lines of an event stream. */
    private record LineCounter(AtomicInteger puts) implements java.util.concurrent.Flow.Subscriber<String> {
        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.equals("event: put")) {
                puts.incrementAndGet();
            }
        }

        @Override
        public void onError(Throwable error) {
        }

        @Override
        public void onComplete() {
        }
    }

    private static double fellBehind() {
        String metrics = new String(admin.get("/observe/metrics", "text/plain").body(), StandardCharsets.UTF_8);
        Matcher m = FELL_BEHIND.matcher(metrics);
        assertThat(metrics, m.find(), is(true));
        return Double.parseDouble(m.group(1));
    }
}
