package pier.studio;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javafx.scene.Node;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

import pier.client.Format;
import pier.client.PierClient;
import pier.client.ServerAddress;
import pier.server.ServerProcess;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * The real studio, driven by TestFX on JavaFX's headless platform, against the built server started as a
 * child process: every check goes through the studio's own REST and MQTT connections. Subclasses share
 * one server with a table of 60 dogs; each test gets a fresh window, disconnected afterwards.
 */
@ExtendWith(ApplicationExtension.class)
abstract class StudioTestBase {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration PATIENCE = Duration.ofSeconds(15);

    @TempDir
    static Path folder;
    static ServerProcess server;
    static ServerAddress address;
    static PierClient rest;

    static Stage window;
    Session session;

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.start(Map.of("PIER_ADMIN_PASSWORD", "s3cret"), "--http-port", "0",
                "--mqtt-port", String.valueOf(ServerProcess.freePort()), "--data", folder.resolve("data").toString());
        address = ServerAddress.parse("127.0.0.1:" + server.awaitReady(), "admin", "s3cret");
        rest = PierClient.of(address);
        rest.put("Dog", "1", json("{\"name\":\"Rex\",\"age\":3,\"breed\":\"lab\"}"), null);
        rest.put("Dog", "2", json("{\"name\":\"Bella\",\"age\":5,\"breed\":\"collie\"}"), null);
        for (int i = 3; i <= 60; i++) {
            rest.put("Dog", String.valueOf(i), json("{\"name\":\"dog" + i + "\",\"age\":" + (i % 12) + "}"), null);
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        rest.close();
        server.close();
    }

    /** A fresh window on TestFX's stage; TestFX looks for {@code @Start} on the test class only, not its parents. */
    @BeforeEach
    void openStudio() throws Exception {
        FxToolkit.setupStage(stage -> {
            window = stage;
            session = Studio.open(stage, new StudioOptions(address.http().toString(), "admin", "s3cret"));
        });
    }

    @AfterEach
    void disconnect(FxRobot robot) {
        robot.interact(session::disconnect);
    }

    static void openDogs(FxRobot robot) {
        Predicate<Node> dogCell = cell -> cell instanceof ListCell<?> item && item.getText() != null
                && item.getText().startsWith("Dog");
        // the list's cells are made again whenever the table list changes: find and click in one step
        await().atMost(PATIENCE).until(() -> {
            Optional<Node> cell = robot.lookup(".list-cell").match(dogCell).tryQuery();
            cell.ifPresent(robot::clickOn);
            return cell.isPresent();
        });
        TableView<JsonNode> records = robot.lookup("#records").queryTableView();
        await().atMost(PATIENCE).until(() -> !records.getItems().isEmpty());
    }

    /** Publishes a CBOR message, not retained, with a user property, through the Publish tab. */
    static void publishKitchenReading(FxRobot robot, String json) {
        robot.clickOn("#tabPublish");
        robot.clickOn("#publishTopic").write("sensors/kitchen");
        choose(robot, "#publishFormat", Format.CBOR);
        robot.clickOn("#publishPayload").write(json);
        robot.clickOn("#publishProperties").write("room=kitchen");
        robot.clickOn("#publish");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(robot, "#publishResult"),
                containsString("message only")));
    }

    static void subscribe(FxRobot robot, String filter) {
        await().atMost(PATIENCE).until(() -> text(robot, "#status").startsWith("connected"));
        robot.clickOn("#tabLive");
        robot.clickOn("#subscribeFilter").write(filter).type(KeyCode.ENTER);
        await().atMost(PATIENCE).until(() -> robot.lookup((Node node) -> node instanceof SubscriptionPane
                && node.getId().equals("subscription-" + filter)).tryQuery().isPresent());
    }

    static SubscriptionPane pane(FxRobot robot, String filter) {
        return robot.lookup((Node node) -> node instanceof SubscriptionPane && node.getId().equals("subscription-" + filter))
                .queryAs(SubscriptionPane.class);
    }

    static List<LogEntry> rows(SubscriptionPane pane) {
        return List.copyOf(new FxRobot().from(pane).lookup("#log").<LogEntry>queryTableView().getItems());
    }

    static long received(SubscriptionPane pane) {
        return Long.parseLong(text(pane, "#counts").split(" ")[0]);
    }

    static long skipped(SubscriptionPane pane) {
        String counts = text(pane, "#counts");
        return Long.parseLong(counts.substring(counts.indexOf("· ") + 2).split(" ")[0]);
    }

    @SuppressWarnings("unchecked")
    static <T> void choose(FxRobot robot, String query, T value) {
        ChoiceBox<T> choice = robot.lookup(query).queryAs(ChoiceBox.class);
        robot.interact(() -> choice.setValue(value));
    }

    /**
     * A label of the studio's window, read on the FX thread: a lookup across all windows from the test's
     * thread can meet a popup (a tooltip, a dialog) that is being made and has no root yet.
     */
    static String text(FxRobot robot, String query) {
        return WaitForAsyncUtils.waitForAsyncFx(PATIENCE.toMillis(),
                () -> robot.from(window.getScene().getRoot()).lookup(query).queryAs(Label.class).getText());
    }

    static String text(SubscriptionPane pane, String query) {
        return new FxRobot().from(pane).lookup(query).queryAs(Label.class).getText();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
