package pier.studio;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import com.fasterxml.jackson.databind.ObjectMapper;

import pier.client.PierClient;
import pier.client.ServerAddress;
import pier.server.ServerProcess;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;

/** The studio shows the link going down when the server stops and comes back with it, subscriptions too. */
@ExtendWith(ApplicationExtension.class)
class StudioReconnectIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path folder;
    static String[] args;
    static ServerProcess server;
    static ServerAddress address;

    private Session session;

    @BeforeAll
    static void startServer() throws Exception {
        args = new String[] {"--http-port", String.valueOf(ServerProcess.freePort()),
                "--mqtt-port", String.valueOf(ServerProcess.freePort()), "--data", folder.toString()};
        server = ServerProcess.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), args);
        address = ServerAddress.parse("127.0.0.1:" + server.awaitReady(), "admin", "s3cret");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Start
    void start(Stage stage) {
        session = Studio.open(stage, new StudioOptions(address.http().toString(), "admin", "s3cret"));
    }

    @AfterEach
    void disconnect(FxRobot robot) {
        robot.interact(session::disconnect);
    }

    @Test
    void theStatusFollowsARestartAndSubscriptionsResume(FxRobot robot) throws Exception {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(status(robot), startsWith("connected")));
        robot.clickOn("#tabLive");
        robot.clickOn("#subscribeFilter").write("Dog/#").type(KeyCode.ENTER);
        await().atMost(PATIENCE).until(() -> robot.lookup("#log").tryQuery().isPresent());

        server.terminate();
        server.close();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(status(robot), startsWith("reconnecting")));
        server = ServerProcess.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), args);
        server.awaitReady();
        // Paho retries after 1, 2, 4, 8, then every 10 s, and an attempt that meets the old server going
        // away waits out its 10 s connection time-out: two full rounds of that fit in a minute
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status(robot),
                startsWith("reconnected")));

        TableView<?> log = robot.lookup("#log").queryTableView();
        try (PierClient rest = PierClient.of(address)) {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
                rest.put("Dog", "after", new ObjectMapper().readTree("{\"name\":\"After\"}"), null);
                return log.getItems().stream().anyMatch(entry -> ((LogEntry) entry).topic().equals("Dog/after"));
            });
        }
    }

    private static String status(FxRobot robot) {
        return robot.lookup("#status").queryAs(Label.class).getText();
    }
}
