package pier.server;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MQTT over TLS with the certificate made on the first start, trusted by mosquitto and Paho from its PEM file. */
class MqttTlsIT {

    @TempDir
    Path folder;

    @Test
    void clientsTrustingTheGeneratedCertificateConnectOverTls() throws Exception {
        Path data = folder.resolve("data");
        String[] args = {"--http-port", "0", "--mqtt-port", "0", "--mqtts-port",
            Integer.toString(ServerProcess.freePort()), "--data", data.toString()};
        String fingerprint;
        try (InProcessServer server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), args)) {
            server.awaitReady();
            int port = server.mqttsPort();
            Path pem = data.resolve("tls").resolve("pier-tls.pem");
            assertThat(Files.exists(pem), is(true));
            fingerprint = fingerprintLine(server);
            // retained, so that the subscriber started afterwards gets it
            var pub = new ProcessBuilder("mosquitto_pub", "--cafile", pem.toString(), "-h", "127.0.0.1", "-p",
                    Integer.toString(port), "-u", "admin", "-P", "s3cret", "-t", "tls/1", "-m", "secret", "-q", "1",
                    "-r").redirectErrorStream(true).start();
            assertThat(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8), pub.waitFor(), is(0));
            var sub = new ProcessBuilder("mosquitto_sub", "--cafile", pem.toString(), "-h", "127.0.0.1", "-p",
                    Integer.toString(port), "-u", "admin", "-P", "s3cret", "-t", "tls/#", "-C", "1", "-W", "10",
                    "-q", "1").redirectErrorStream(true).start();
            assertThat(sub.waitFor(15, TimeUnit.SECONDS), is(true));
            assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8), is("secret\n"));
            // a client that does not trust the certificate is refused by its own TLS check
            var untrusting = new ProcessBuilder("mosquitto_pub", "--capath", "/nonexistent", "-h", "127.0.0.1",
                    "-p", Integer.toString(port), "-u", "admin", "-P", "s3cret", "-t", "tls/1", "-m", "x")
                    .redirectErrorStream(true).start();
            assertThat(untrusting.waitFor(), not(0));
            paho(port, pem);
            assertThat(server.terminate(), is(0));
        }
        // the certificate is made once: the next start uses the same one
        try (InProcessServer server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), args)) {
            server.awaitReady();
            assertThat(fingerprintLine(server), is(fingerprint));
        }
    }

    private static String fingerprintLine(InProcessServer server) {
        return server.stderr().stream().filter(l -> l.contains("SHA-256 fingerprint")).findFirst()
                .map(l -> l.substring(l.indexOf("fingerprint"))).orElseThrow();
    }

    private static void paho(int port, Path pem) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trusted.setCertificateEntry("pier", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("admin");
        options.setPassword("s3cret".toCharArray());
        options.setSocketFactory(tls.getSocketFactory());
        MqttClient client = new MqttClient("ssl://127.0.0.1:" + port, "paho-tls", new MemoryPersistence());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        client.connect(options);
        client.subscribe("tls/paho", 1, (topic, message) -> received.add(new String(message.getPayload(),
                StandardCharsets.UTF_8)));
        client.publish("tls/paho", "over tls".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(received.poll(5, TimeUnit.SECONDS), is("over tls"));
        client.disconnect();
        client.close();
    }
}
