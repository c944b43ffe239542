package pier.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/** HTTPS with the generated certificate, checked by curl against it (--cacert), modern versions only. */
class HttpsIT {

    @TempDir
    static Path folder;
    static InProcessServer server;
    static int httpsPort;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--https-port", String.valueOf(ServerProcess.freePort()), "--data", folder.resolve("data").toString());
        server.awaitReady();
        httpsPort = server.httpsPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void curlTrustsTheGeneratedCertificateAndTheRoutesAreTheSame() throws Exception {
        String url = "https://127.0.0.1:" + httpsPort;
        Curl put = curl("--cacert", certificate(), "-u", "admin:s3cret", "-X", "PUT", "-H",
                "Content-Type: application/json", "-d", "{\"name\":\"Secure\"}", "-w", "%{http_code}", url + "/Dog/tls1");
        assertThat(put.output(), put.exit(), is(0));
        assertThat(put.output(), is("204"));
        Curl get = curl("--cacert", certificate(), "-u", "admin:s3cret", url + "/Dog/tls1");
        assertThat(get.output(), containsString("\"name\":\"Secure\""));
        Curl anonymous = curl("--cacert", certificate(), "-w", "%{http_code}", "-o", "/dev/null", url + "/Dog/tls1");
        assertThat(anonymous.output(), is("401"));
        Curl events = curl("--cacert", certificate(), "-u", "admin:s3cret", "-H", "Accept: text/event-stream",
                "--max-time", "2", url + "/Dog/tls1");
        assertThat(events.output(), containsString("event: put"));
    }

    @Test
    void anUntrustedOrOldClientIsRefused() throws Exception {
        String url = "https://127.0.0.1:" + httpsPort + "/Dog/";
        Curl untrusted = curl(url);
        assertThat(untrusted.exit(), is(60)); // the peer's certificate cannot be verified
        // openssl's client made willing to speak TLS 1.1 (curl and the JDK refuse it themselves): the server
        // answers with a protocol_version alert
        for (String version : List.of("-tls1", "-tls1_1")) {
            Process openssl = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + httpsPort, version,
                    "-cipher", "DEFAULT:@SECLEVEL=0").redirectErrorStream(true).start();
            openssl.getOutputStream().close();
            String handshake = new String(openssl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            openssl.waitFor(30, TimeUnit.SECONDS);
            assertThat(handshake, containsString("alert protocol version"));
        }
        Curl tls13 = curl("--cacert", certificate(), "--tlsv1.3", "-u", "admin:s3cret", "-w", "%{http_code}", "-o",
                "/dev/null", url);
        assertThat(tls13.output(), is("200"));
    }

    private record Curl(int exit, String output) {
    }

    private static Curl curl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-s"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!curl.waitFor(30, TimeUnit.SECONDS)) {
            curl.destroyForcibly();
            throw new AssertionError("curl did not finish: " + command);
        }
        return new Curl(curl.exitValue(), output.strip());
    }

    private static String certificate() {
        return folder.resolve("data").resolve("tls").resolve(TlsKeys.CERTIFICATE).toString();
    }
}
