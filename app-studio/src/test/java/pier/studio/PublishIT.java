package pier.studio;

import com.fasterxml.jackson.databind.JsonNode;

import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import pier.client.Format;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/** Publishing test messages and what they do. */
class PublishIT extends StudioTestBase {

    @Test
    void aRetainedPublishWritesTheRecordShownInBrowse(FxRobot robot) throws Exception {
        openDogs(robot);
        robot.clickOn("#tabPublish");
        robot.clickOn("#publishTopic").write("Dog/pub1");
        robot.clickOn("#publishPayload").write("{\"name\": \"Published\", \"age\": 1");
        assertThat(text(robot, "#publishValidation"), containsString("not valid JSON: Unexpected end-of-input"));
        assertThat(robot.lookup("#publish").queryButton().isDisabled(), is(true));
        robot.write("}");
        robot.clickOn("#publishRetain").clickOn("#publish");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(robot, "#publishResult"), is("Dog/pub1: record written")));
        assertThat(rest.get("Dog", "pub1", Format.JSON).value().get("name").asText(), is("Published"));
        robot.clickOn("#tabBrowse");
        TableView<JsonNode> records = robot.lookup("#records").queryTableView();
        robot.clickOn("#query").write("name=Published").type(KeyCode.ENTER);
        await().atMost(PATIENCE).until(() -> records.getItems().size() == 1);

        // a change made elsewhere reaches the open view without a click
        rest.put("Dog", "pub2", json("{\"name\":\"Published\",\"age\":2}"), null);
        await().atMost(PATIENCE).until(() -> records.getItems().size() == 2);
        ListView<?> history = robot.lookup("#publishHistory").queryListView();
        assertThat(history.getItems().size(), is(1));
    }

    @Test
    void aCborMessageIsShownDecoded(FxRobot robot) {
        subscribe(robot, "sensors/+");
        SubscriptionPane pane = pane(robot, "sensors/+");
        publishKitchenReading(robot, "{\"celsius\": 21.5}");
        await().atMost(PATIENCE).until(() -> !rows(pane).isEmpty());
        LogEntry entry = rows(pane).getFirst();
        assertThat(entry.topic(), is("sensors/kitchen"));
        assertThat(entry.payload().value().get("celsius").asDouble(), is(21.5));
        assertThat(entry.payload().text(), containsString("\"celsius\" : 21.5"));
        assertThat(entry.properties(), is("room=kitchen"));

        robot.clickOn("#tabLive");
        robot.clickOn("#logFilter").write("bathroom");
        assertThat(robot.from(pane).lookup("#log").queryTableView().getItems().size(), is(0));
        robot.eraseText("bathroom".length());
        robot.clickOn("#tabPublish");
        robot.interact(() -> robot.lookup("#publishHistory").queryListView().getSelectionModel().select(0));
        robot.clickOn("#resend");
        await().atMost(PATIENCE).until(() -> rows(pane).size() == 2);
        assertThat(rest.tables().stream().noneMatch(t -> t.name().equals("sensors")), is(true));
    }
}
