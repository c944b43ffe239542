package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin's jar, copied into the {@code plugins/} folder of a server started as a child
 * process (its module path holds the server only, so the plugin loads in a layer of its own), answers
 * over every protocol: {@code /time} over REST, {@code /echo} over WebSocket and MQTT, {@code /ticker}
 * as an event stream and an MQTT topic.
 */
class PluginIT {

    static final Path EXAMPLE = Path.of(System.getProperty("pier.examplePlugin",
            "../examples/plugin/target/pier-example-plugin.jar"));
    static final String AUTHORIZATION = "Basic " + Base64.getEncoder().encodeToString(
            "admin:s3cret".getBytes(StandardCharsets.UTF_8));

    @TempDir
    static Path folder;
    static ServerProcess server;
    static RestClient admin;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        Path plugins = Files.createDirectories(folder.resolve("plugins"));
        Files.copy(EXAMPLE, plugins.resolve("pier-example-plugin.jar"));
        Path schema = Files.writeString(folder.resolve("schema.graphql"), "type Dog @table @export { id: ID "
                + "@primaryKey  name: String  slug: String @computed(function: \"slug\") @indexed }");
        server = ServerProcess.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret", "PIER_PLUGINS", plugins.toString()),
                "--http-port", "0", "--data", folder.resolve("data").toString(), "--mqtt-port",
                String.valueOf(ServerProcess.freePort()), "--schema", schema.toString());
        port = server.awaitReady();
        admin = new RestClient(port, "admin", "s3cret");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void theServerSaysWhatItLoaded() {
        assertThat(String.join("\n", server.stderr()), containsString(
                "pier-example-plugin.jar (module example.plugin): [/echo, /greeter, /ticker, /time]"));
        JsonNode listed = RestClient.json(admin.get("/", "application/json"));
        assertThat(listed.findValuesAsText("path"), hasItem("/time/"));
    }

    @Test
    void aComputedAttributeCallsThePluginsFunctionInEveryWrite() {
        assertThat(String.join("\n", server.stderr()), containsString(
                "pier-example-plugin.jar (module example.plugin): functions [slug]"));
        assertThat(admin.putJson("/Dog/p1", "{\"name\": \"Rex the Dog!\", \"slug\": \"mine\"}").statusCode(), is(204));
        assertThat(RestClient.json(admin.get("/Dog/p1", "application/json")).get("slug").asText(), is("rex-the-dog"));
        assertThat(RestClient.json(admin.get("/Dog/?slug==rex-the-dog&select(id)", "application/json")).toString(),
                is("[\"p1\"]"));
    }

    @Test
    void timeIsAComputedRestResourceWithContentNegotiationAndTheServersAuthentication() {
        JsonNode now = RestClient.json(admin.get("/time", "application/json"));
        assertThat(now.get("now").asText(), not(""));
        HttpResponse<byte[]> utc = admin.get("/time/UTC", "application/cbor");
        assertThat(utc.headers().firstValue("Content-Type").orElseThrow(), is("application/cbor"));
        assertThat(RestClient.read(RestClient.CBOR, utc.body()).get("zone").asText(), is("UTC"));
        HttpResponse<byte[]> nowhere = admin.get("/time/Nowhere", "application/json");
        assertThat(nowhere.statusCode(), is(404));
        assertThat(new String(nowhere.body(), StandardCharsets.UTF_8), containsString("no time zone Nowhere"));
        assertThat(new RestClient(port, null, null).get("/time", "application/json").statusCode(), is(401));
        assertThat(admin.putJson("/time/UTC", "{}").statusCode(), is(405));
    }

    @Test
    void echoAnswersAWebSocketInTheFormatsOfItsUpgrade() throws Exception {
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        WebSocket socket = open("/echo", received);
        try {
            socket.sendText("{\"hello\":\"plugin\"}", true).get(5, TimeUnit.SECONDS);
            assertThat(received.poll(5, TimeUnit.SECONDS), is("{\"hello\":\"plugin\"}"));
            socket.sendText("{\"n\":2}", true).get(5, TimeUnit.SECONDS);
            assertThat(received.poll(5, TimeUnit.SECONDS), is("{\"n\":2}"));
        } finally {
            socket.abort();
        }
        BlockingQueue<Object> binary = new LinkedBlockingQueue<>();
        WebSocket cbor = open("/echo", binary, "Accept", "application/cbor", "Content-Type", "application/cbor");
        try {
            byte[] message = RestClient.CBOR.writeValueAsBytes(Map.of("format", "cbor"));
            cbor.sendBinary(ByteBuffer.wrap(message), true).get(5, TimeUnit.SECONDS);
            Object echoed = binary.poll(5, TimeUnit.SECONDS);
            assertThat(echoed, notNullValue());
            assertThat(RestClient.read(RestClient.CBOR, (byte[]) echoed).get("format").asText(), is("cbor"));
        } finally {
            cbor.abort();
        }
    }

    @Test
    void greeterGreetsOnATimerAndEchoesUntilTheSocketCloses() throws Exception {
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        WebSocket socket = open("/greeter", received);
        try {
            socket.sendText("{\"ping\":1}", true).get(5, TimeUnit.SECONDS);
            List<Object> firstThree = List.of(received.poll(5, TimeUnit.SECONDS), received.poll(5, TimeUnit.SECONDS),
                    received.poll(5, TimeUnit.SECONDS));
            assertThat(firstThree, hasItem("{\"ping\":1}"));
            assertThat(firstThree, hasItem("{\"greeting\":\"hi again!\"}"));
        } finally {
            socket.abort();
        }
    }

    @Test
    void tickerIsAnEventStreamOfOneMessageASecond() throws Exception {
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/ticker")).header("Authorization", AUTHORIZATION)
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode(), is(200));
        try (Stream<String> lines = response.body()) {
            Iterator<String> data = lines.filter(line -> line.startsWith("data: ")).iterator();
            JsonNode first = RestClient.read(RestClient.JSON, data.next().substring(6).getBytes(
                    StandardCharsets.UTF_8));
            JsonNode second = RestClient.read(RestClient.JSON, data.next().substring(6).getBytes(
                    StandardCharsets.UTF_8));
            assertThat(first.get("tick").asInt(), is(1));
            assertThat(second.get("tick").asInt(), is(2));
        }
    }

    @Test
    void tickerAndEchoAreMqttTopics() throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + server.mqttPort(), "plugin-it",
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("admin");
        options.setPassword("s3cret".toCharArray());
        client.connect(options);
        try {
            BlockingQueue<String> ticks = new LinkedBlockingQueue<>();
            client.subscribe("ticker", 1, (topic, message) -> ticks.add(topic + " " + message));
            assertThat(ticks.poll(5, TimeUnit.SECONDS), containsString("ticker {\"tick\":1"));
            assertThat(ticks.poll(5, TimeUnit.SECONDS), containsString("ticker {\"tick\":2"));
            client.unsubscribe("ticker");
            BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
            client.subscribe("echo", 1, (topic, message) -> echoes.add(topic + " " + message));
            client.publish("echo", "{\"over\":\"mqtt\"}".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(echoes.poll(5, TimeUnit.SECONDS), is("echo {\"over\":\"mqtt\"}"));
        } finally {
            client.disconnect();
            client.close();
        }
    }

    @Test
    void aFolderThatCannotLoadStopsTheStartAndNamesTheJars() throws Exception {
        Path plugins = Files.createDirectories(folder.resolve("twice"));
        Files.copy(EXAMPLE, plugins.resolve("first.jar"));
        Files.copy(EXAMPLE, plugins.resolve("second.jar"));
        try (ServerProcess refused = ServerProcess.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--data", folder.resolve("refused").toString(), "--plugins", plugins.toString())) {
            assertThat(refused.awaitExit(), is(1));
            String error = String.join("\n", refused.stderr());
            assertThat(error, containsString("first.jar"));
            assertThat(error, containsString("second.jar"));
            assertThat(error, containsString("both hold module example.plugin"));
            assertThat(refused.stdout(), not(hasItem(containsString("pier ready"))));
        }
    }

    /** A WebSocket as admin, with more upgrade headers as name, value pairs; what it receives goes to the queue. */
    private static WebSocket open(String path, BlockingQueue<Object> received, String... headers) throws Exception {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization",
                AUTHORIZATION);
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path), collecting(received))
                .get(5, TimeUnit.SECONDS);
    }

    private static WebSocket.Listener collecting(BlockingQueue<Object> received) {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    received.add(text.toString());
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                received.add(bytes);
                webSocket.request(1);
                return null;
            }
        };
    }

}
