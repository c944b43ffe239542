package pier.studio;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import javafx.scene.chart.LineChart;
import javafx.scene.control.TextArea;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import pier.client.Format;
import pier.client.LiveConnection;
import pier.client.Publication;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;

/** The pictures of the docs, taken from the real app: {@code target/screenshots}, copied to {@code docs/studio/}. */
class ScreenshotsIT extends StudioTestBase {

    @Test
    void screenshotsOfEachView(FxRobot robot) throws Exception {
        openDogs(robot);
        robot.clickOn("Rex");
        TextArea body = robot.lookup("#recordBody").queryAs(TextArea.class);
        await().atMost(PATIENCE).until(() -> body.getText().contains("Rex"));
        javafx.scene.Scene scene = body.getScene();
        Screenshots.save(robot, scene, "browse");

        subscribe(robot, "Dog/?age=gt=4");
        SubscriptionPane pane = pane(robot, "Dog/?age=gt=4");
        try (LiveConnection publisher = LiveConnection.open(address, Format.JSON, (state, why) -> { })) {
            for (int i = 0; i < 40; i++) {
                rest.patch("Dog", "2", json("{\"age\":" + (5 + i % 3) + ",\"visits\":" + i + "}"), null);
                publisher.publish(new Publication("Dog/3", ("{\"name\":\"dog3\",\"age\":" + (5 + i) + "}")
                        .getBytes(StandardCharsets.UTF_8), Format.JSON.mediaType(), 1, true, List.of()));
            }
        }
        await().atMost(PATIENCE).until(() -> received(pane) >= 80);
        LineChart<?, ?> chart = robot.from(pane).lookup("#rate").queryAs(LineChart.class);
        await().atMost(PATIENCE).until(() -> !chart.getData().isEmpty() && chart.getData().getFirst().getData().size() >= 3);
        LogEntry latest = rows(pane).stream().filter(e -> e.topic().equals("Dog/2")).findFirst().orElseThrow();
        robot.interact(() -> robot.from(pane).lookup("#log").queryTableView().getSelectionModel().select(latest));
        Screenshots.save(robot, scene, "live");

        publishKitchenReading(robot, "{\"celsius\": 21.5, \"humidity\": 40}");
        robot.clickOn("#publishTopic").eraseText("sensors/kitchen".length()).write("Dog/7");
        robot.interact(() -> robot.lookup("#publishPayload").queryAs(TextArea.class).setText("{\"name\": \"Max\", \"age\": 4"));
        Screenshots.save(robot, scene, "publish");

        robot.clickOn("#tabUsers");
        javafx.scene.control.ListView<?> users = robot.lookup("#users").queryListView();
        await().atMost(PATIENCE).until(() -> !users.getItems().isEmpty());
        robot.interact(() -> users.getSelectionModel().select(0));
        javafx.scene.control.ListView<?> roles = robot.lookup("#roles").queryListView();
        await().atMost(PATIENCE).until(() -> !roles.getItems().isEmpty());
        robot.interact(() -> roles.getSelectionModel().select(0));
        Screenshots.save(robot, scene, "users");
        assertThat(Files.size(Screenshots.FOLDER.resolve("live.png")), greaterThan(10_000L));
    }
}
