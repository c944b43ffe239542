package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker of the built server driven by clients nobody here wrote: Debian's mosquitto_pub and
 * mosquitto_sub, and MQTT.js from npm. A missing tool fails the test; {@code .ci/install-test-tools}
 * installs them.
 */
class MqttInteropIT {

    @TempDir
    static Path folder;
    static InProcessServer server;
    static int port;
    static int httpPort;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--mqtt-port", Integer.toString(ServerProcess.freePort()), "--data", folder.resolve("data").toString());
        httpPort = server.awaitReady();
        port = server.mqttPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(List<String> command, long seconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile(folder, "out", ".txt");
        Path err = Files.createTempFile(folder, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new AssertionError(command.getFirst() + " did not finish; out: " + Files.readString(out)
                        + " err: " + Files.readString(err));
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            process.destroyForcibly();
        }
    }

    private static List<String> mosquitto(String tool, String... args) {
        List<String> command = new ArrayList<>(List.of(tool, "-h", "127.0.0.1", "-p", Integer.toString(port), "-u",
                "admin", "-P", "s3cret"));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void mosquittoClientsPublishAndSubscribeInBothVersions() throws Exception {
        // retained, so that the subscriber started later still gets them, with the RETAIN flag (-R skips it)
        assertThat(run(mosquitto("mosquitto_pub", "-t", "it/mosq/a", "-m", "hello", "-q", "1", "-r"), 10).exit(),
                is(0));
        assertThat(run(mosquitto("mosquitto_pub", "-V", "mqttv5", "-t", "it/mosq/b", "-m", "five", "-q", "2", "-r"),
                10).exit(), is(0));
        Run sub = run(mosquitto("mosquitto_sub", "-V", "mqttv5", "-t", "it/mosq/#", "-v", "-C", "2", "-q", "1"), 10);
        assertThat(sub.err(), sub.exit(), is(0));
        assertThat(sub.out(), is("it/mosq/a hello\nit/mosq/b five\n"));
        Run fresh = run(mosquitto("mosquitto_sub", "-t", "it/mosq/#", "-v", "-C", "1", "-W", "2", "-R"), 10);
        assertThat(fresh.out(), is(""));
        List<String> wrong = mosquitto("mosquitto_pub", "-t", "x", "-m", "x");
        wrong.set(wrong.indexOf("s3cret"), "wrong");
        Run refused = run(wrong, 10);
        assertThat(refused.exit(), not(0));
        assertThat(refused.err(), containsString("bad user name or password"));
    }

    @Test
    void mqttJsSpeaksVersion5WithThePier() throws Exception {
        Path tools = Path.of(System.getProperty("pier.tools", ".ci/tools"));
        assertThat("MQTT.js is installed by .ci/install-test-tools in " + tools,
                Files.exists(tools.resolve("node_modules/mqtt/package.json")), is(true));
        Path script = folder.resolve("client.js");
        Files.writeString(script, """
                const mqtt = require(process.argv[2]);
                const client = mqtt.connect('mqtt://127.0.0.1:' + process.argv[3],
                    {username: 'admin', password: 's3cret', protocolVersion: 5, clientId: 'js-1'});
                const seen = [];
                client.on('error', e => { console.error(String(e)); process.exit(2); });
                client.on('message', (topic, payload, packet) => {
                  seen.push({topic, payload: payload.toString(), retain: packet.retain, qos: packet.qos,
                             contentType: packet.properties && packet.properties.contentType});
                  if (seen.length === 2) { console.log(JSON.stringify(seen)); client.end(false, {}, () => process.exit(0)); }
                });
                client.on('connect', () => {
                  client.publish('it/js/kept', 'old', {qos: 1, retain: true}, () => {
                    client.subscribe('it/js/#', {qos: 2}, (err, granted) => {
                      if (err) { console.error(String(err)); process.exit(3); }
                      client.publish('it/js/live', '{"a":1}', {qos: 2, properties: {contentType: 'application/json'}});
                    });
                  });
                });
                setTimeout(() => { console.error('timeout ' + JSON.stringify(seen)); process.exit(4); }, 8000);
                """);
        Run node = run(List.of("node", script.toString(), tools.resolve("node_modules/mqtt").toAbsolutePath()
                .toString(), Integer.toString(port)), 20);
        assertThat(node.err(), node.exit(), is(0));
        assertThat(node.out().strip(), is("[{\"topic\":\"it/js/kept\",\"payload\":\"old\",\"retain\":true,\"qos\":1},"
                + "{\"topic\":\"it/js/live\",\"payload\":\"{\\\"a\\\":1}\",\"retain\":false,\"qos\":2,"
                + "\"contentType\":\"application/json\"}]"));
    }

    @Test
    void metricsCountTheBrokersWork() throws Exception {
        run(mosquitto("mosquitto_pub", "-t", "it/metrics", "-m", "x", "-q", "1"), 10);
        String metrics = new String(new RestClient(httpPort, null, null).get("/observe/metrics", "text/plain")
                .body(), StandardCharsets.UTF_8);
        assertThat(metrics, containsString("pier_mqtt_messages_received_total"));
        assertThat(metrics, containsString("pier_mqtt_connections"));
    }

    @Test
    void mqttJsOverWebSocketOnTheHttpPortWithTheUpgradesAcceptAsItsFormat() throws Exception {
        Path tools = Path.of(System.getProperty("pier.tools", ".ci/tools"));
        assertThat(Files.exists(tools.resolve("node_modules/mqtt/package.json")), is(true));
        Path script = folder.resolve("ws.js");
        Files.writeString(script, """
                const mqtt = require(process.argv[2]);
                const client = mqtt.connect('ws://127.0.0.1:' + process.argv[3] + '/mqtt', {username: 'admin',
                    password: 's3cret', protocolVersion: 5, clientId: 'js-ws',
                    wsOptions: {headers: {Accept: 'application/cbor'}}});
                client.on('error', e => { console.error(String(e)); process.exit(2); });
                client.on('message', (topic, payload, packet) => {
                  console.log(JSON.stringify({topic, hex: payload.toString('hex'), retain: packet.retain,
                                              contentType: packet.properties && packet.properties.contentType}));
                  client.end(false, {}, () => process.exit(0));
                });
                client.on('connect', () => client.subscribe('Dog/ws1', {qos: 1}));
                setTimeout(() => { console.error('timeout'); process.exit(4); }, 8000);
                """);
        new RestClient(httpPort, "admin", "s3cret").putJson("/Dog/ws1", "{\"name\":\"Ws\"}");
        Run node = run(List.of("node", script.toString(), tools.resolve("node_modules/mqtt").toAbsolutePath()
                .toString(), Integer.toString(httpPort)), 20);
        assertThat(node.err(), node.exit(), is(0));
        var received = RestClient.JSON.readTree(node.out());
        assertThat(received.get("topic").asText(), is("Dog/ws1"));
        assertThat(received.get("retain").asBoolean(), is(true));
        assertThat(received.get("contentType").asText(), is("application/cbor"));
        byte[] cbor = java.util.HexFormat.of().parseHex(received.get("hex").asText());
        assertThat(RestClient.read(RestClient.CBOR, cbor).get("name").asText(), is("Ws"));
    }

    @Test
    void sysTopicsReportTheBroker() throws Exception {
        Run sys = run(mosquitto("mosquitto_sub", "-t", "$SYS/broker/version", "-C", "1", "-W", "5"), 10);
        assertThat(sys.out(), is("pier\n"));
        String out = new String(run(mosquitto("mosquitto_sub", "-t", "#", "-C", "1", "-W", "1"), 10).out()
                .getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertThat(out, not(containsString("pier\n")));
    }
}
