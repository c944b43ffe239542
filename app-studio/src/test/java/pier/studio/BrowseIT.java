package pier.studio;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import pier.client.ExportFormat;
import pier.client.Format;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/** Browsing, editing and exporting records. */
class BrowseIT extends StudioTestBase {

    @Test
    void opensATableAndARecordInEveryFormat(FxRobot robot) {
        openDogs(robot);
        TableView<JsonNode> records = robot.lookup("#records").queryTableView();
        assertThat(records.getItems().size(), is(BrowseView.PAGE_SIZE));
        assertThat(records.getColumns().stream().map(c -> c.getText()).toList(), is(List.of("id", "name", "age", "breed")));
        robot.clickOn("Rex");
        TextArea body = robot.lookup("#recordBody").queryAs(TextArea.class);
        await().atMost(PATIENCE).until(() -> body.getText().contains("\"breed\" : \"lab\""));
        choose(robot, "#recordFormat", Format.MESSAGEPACK);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(robot, "#recordInfo"), containsString("application/x-msgpack")));
        assertThat(body.getText(), containsString("\"name\" : \"Rex\""));

        int total = rest.query("Dog", "").size();
        robot.clickOn("#nextPage");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(robot, "#page"), is("51–" + total)));
        robot.clickOn("#query").write("breed=collie").type(KeyCode.ENTER);
        await().atMost(PATIENCE).until(() -> records.getItems().size() == 1);
        assertThat(records.getItems().getFirst().get("name").asText(), is("Bella"));
    }

    @Test
    void sortingAColumnAsksTheServer(FxRobot robot) {
        openDogs(robot);
        TableView<JsonNode> records = robot.lookup("#records").queryTableView();
        @SuppressWarnings("unchecked")
        TableColumn<JsonNode, ?> age = (TableColumn<JsonNode, ?>) records.getColumns().get(2);
        robot.interact(() -> {
            age.setSortType(TableColumn.SortType.ASCENDING);
            records.getSortOrder().setAll(List.of(age));
        });
        await().atMost(PATIENCE).until(() -> records.getItems().getFirst().get("age").asInt() == 0);
        robot.interact(() -> age.setSortType(TableColumn.SortType.DESCENDING));
        await().atMost(PATIENCE).until(() -> records.getItems().getFirst().get("age").asInt() == 11);
        assertThat(records.getItems().size(), is(BrowseView.PAGE_SIZE));
    }

    @Test
    void aStaleEditIsRefusedAndDeleteAsksFirst(FxRobot robot) throws Exception {
        openDogs(robot);
        robot.clickOn("Bella");
        TextArea body = robot.lookup("#recordBody").queryAs(TextArea.class);
        await().atMost(PATIENCE).until(() -> body.getText().contains("Bella"));
        robot.interact(() -> body.setText("{\"name\":\"Mine\",\"age\":5}"));
        rest.patch("Dog", "2", json("{\"age\":6}"), null);
        robot.clickOn("#saveRecord");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(robot, "#notice"), containsString("changed by someone else")));
        assertThat(rest.get("Dog", "2", Format.JSON).value().get("name").asText(), is("Bella"));
        assertThat(body.getText(), containsString("Mine"));

        robot.clickOn("#reloadRecord");
        await().atMost(PATIENCE).until(() -> body.getText().contains("Bella"));
        robot.clickOn("#deleteRecord");
        robot.clickOn("Cancel");
        assertThat(rest.get("Dog", "2", Format.JSON).value().get("name").asText(), is("Bella"));
        robot.clickOn("#deleteRecord");
        robot.clickOn(robot.lookup(".dialog-pane .button").match(button -> "Delete".equals(
                ((javafx.scene.control.Button) button).getText())).queryButton());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(robot, "#notice"), containsString("deleted Dog/2")));
        rest.put("Dog", "2", json("{\"name\":\"Bella\",\"age\":5,\"breed\":\"collie\"}"), null);
    }

    @Test
    void keyboardShortcutsCreateARecord(FxRobot robot) throws Exception {
        openDogs(robot);
        robot.press(KeyCode.CONTROL).type(KeyCode.N).release(KeyCode.CONTROL);
        TextArea body = robot.lookup("#recordBody").queryAs(TextArea.class);
        robot.interact(() -> body.setText("{\"name\": \"Newbie\", \"age\": 1}"));
        robot.press(KeyCode.CONTROL).type(KeyCode.S).release(KeyCode.CONTROL);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(robot, "#notice"), containsString("created Dog/")));
        String id = text(robot, "#notice").replaceAll(".*created Dog/", "").strip();
        assertThat(rest.get("Dog", id, Format.JSON).value().get("name").asText(), is("Newbie"));
        await().atMost(PATIENCE).until(() -> body.getText().contains("\"id\" : \"" + id + "\""));

        robot.press(KeyCode.CONTROL).type(KeyCode.L).release(KeyCode.CONTROL);
        assertThat(robot.lookup("#subscribeFilter").queryAs(javafx.scene.control.TextField.class).isFocused(), is(true));
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT3).release(KeyCode.CONTROL);
        assertThat(robot.lookup("#tabs").queryAs(javafx.scene.control.TabPane.class).getSelectionModel()
                .getSelectedItem().getText(), is("Publish"));
        rest.delete("Dog", id, null);
    }

    @Test
    void exportsTheViewWithProgress(FxRobot robot) throws Exception {
        openDogs(robot);
        Path file = folder.resolve("dogs.jsonl");
        robot.clickOn("#query").write("age=lt=6").type(KeyCode.ENTER);
        choose(robot, "#exportFormat", ExportFormat.JSON_LINES);
        robot.clickOn("#exportPath").write(file.toString());
        robot.clickOn("#export");
        await().atMost(PATIENCE).until(() -> Files.exists(file) && text(robot, "#exportDone").contains("records"));
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines.size(), is(rest.query("Dog", "age=lt=6").size()));
        assertThat(lines.stream().allMatch(line -> json(line).get("age").asInt() < 6), is(true));
        assertThat(robot.lookup("#exportProgress").queryAs(javafx.scene.control.ProgressBar.class).getProgress(), is(1.0));
    }
}
