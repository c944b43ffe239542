package pier.studio;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import javafx.scene.control.ComboBox;
import javafx.scene.input.KeyCode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import pier.server.ServerProcess;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * A server over HTTPS (and MQTT over WSS) with its self-signed certificate: refused until the studio is
 * given the certificate to trust, then browsed and watched; profiles saved to a file only the user can
 * read, with the password only when asked, and picked again in a new window.
 */
class TlsProfilesIT extends StudioTestBase {

    static ServerProcess tlsServer;
    static Path certificate;

    @BeforeAll
    static void startTlsServer() throws Exception {
        Path data = folder.resolve("tls-data");
        // MQTT on, for MQTT over WSS on the HTTPS port
        tlsServer = ServerProcess.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--https-port", String.valueOf(ServerProcess.freePort()), "--mqtt-port",
                String.valueOf(ServerProcess.freePort()), "--data", data.toString());
        tlsServer.awaitReady();
        certificate = data.resolve("tls").resolve("pier-tls.pem");
        rest("https://127.0.0.1:" + tlsServer.httpsPort()).put("Dog", "1", json("{\"name\":\"Rex\"}"), null);
    }

    @AfterAll
    static void stopTlsServer() throws Exception {
        tlsServer.close();
    }

    @Test
    void connectsOverHttpsWithATrustedCertificateAndKeepsProfiles(FxRobot robot) throws Exception {
        Path profiles = folder.resolve("config").resolve("pier-studio").resolve("profiles.json");
        FxToolkit.setupStage(stage -> {
            window = stage;
            session = Studio.open(stage, new StudioOptions("", "", "", profiles));
        });
        String url = "https://127.0.0.1:" + tlsServer.httpsPort();
        robot.clickOn("#url").eraseText(StudioOptions.DEFAULT_URL.length()).write(url);
        robot.clickOn("#user").write("admin");
        robot.clickOn("#password").write("s3cret");
        robot.clickOn("#connect");
        // the JDK does not trust a self-signed certificate
        await().atMost(PATIENCE).until(() -> text(robot, "#notice").contains("cannot"));
        assertThat(text(robot, "#status"), not(containsString("connected to")));

        robot.clickOn("#certificate").write(certificate.toString());
        robot.clickOn("#connect");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(robot, "#notice"), text(robot, "#status"),
                startsWith("connected to admin at " + url)));
        openDogs(robot); // REST over HTTPS
        subscribe(robot, "Dog/#"); // MQTT over WSS
        rest(url).put("Dog", "tls", json("{\"name\":\"Secure\"}"), null);
        await().atMost(PATIENCE).until(() -> rows(pane(robot, "Dog/#")).stream()
                .anyMatch(entry -> entry.topic().equals("Dog/tls")));

        robot.clickOn("#saveProfile");
        await().atMost(PATIENCE).until(() -> Files.exists(profiles));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profiles)), is("rw-------"));
        assertThat(Files.readString(profiles), not(containsString("s3cret")));
        robot.clickOn("#rememberPassword");
        robot.clickOn("#saveProfile");
        await().atMost(PATIENCE).until(() -> Files.readString(profiles).contains("s3cret"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profiles)), is("rw-------"));
        Screenshots.save(robot, window.getScene(), "profiles");
        robot.interact(session::disconnect);

        // a new window: the profile fills the fields and connects
        FxToolkit.setupStage(stage -> {
            window = stage;
            session = Studio.open(stage, new StudioOptions("", "", "", profiles));
        });
        @SuppressWarnings("unchecked")
        ComboBox<Profiles.Profile> saved = robot.lookup("#profiles").queryAs(ComboBox.class);
        assertThat(saved.getItems().size(), is(1));
        robot.interact(() -> saved.getSelectionModel().select(0));
        robot.clickOn("#connect").type(KeyCode.ENTER);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(robot, "#notice"), text(robot, "#status"),
                startsWith("connected to admin at " + url)));
    }

    private static pier.client.PierClient rest(String url) {
        return pier.client.PierClient.of(pier.client.ServerAddress.parse(url, "admin", "s3cret").trusting(certificate));
    }
}
