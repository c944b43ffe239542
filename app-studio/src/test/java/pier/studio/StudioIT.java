package pier.studio;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
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
import org.testfx.util.WaitForAsyncUtils;

import pier.client.ExportFormat;
import pier.client.Format;
import pier.client.LiveConnection;
import pier.client.PierClient;
import pier.client.Publication;
import pier.client.ServerAddress;
import pier.server.ServerProcess;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * The real studio, driven by TestFX on JavaFX's headless platform, against the built server started as a
 * child process: every check goes through the studio's own REST and MQTT connections.
 */
@ExtendWith(ApplicationExtension.class)
class StudioIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @TempDir
    static Path folder;
    static ServerProcess server;
    static ServerAddress address;
    static PierClient rest;

    private Session session;

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

    @Start
    void start(Stage stage) {
        session = Studio.open(stage, new StudioOptions(address.http().toString(), "admin", "s3cret"));
    }

    @AfterEach
    void disconnect(FxRobot robot) {
        robot.interact(session::disconnect);
    }

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

        robot.clickOn("#nextPage");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(robot, "#page"), is("51–62")));
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
    void aRestChangeAppearsInTheLiveLogWithADiff(FxRobot robot) throws Exception {
        subscribe(robot, "Dog/#");
        SubscriptionPane pane = pane(robot, "Dog/#");
        await().atMost(PATIENCE).until(() -> rows(pane).stream().anyMatch(e -> e.topic().equals("Dog/1") && e.retained()));
        rest.patch("Dog", "1", json("{\"age\":4}"), null);
        await().atMost(PATIENCE).until(() -> rows(pane).stream().anyMatch(e -> e.topic().equals("Dog/1") && !e.retained()));
        LogEntry change = rows(pane).stream().filter(e -> e.topic().equals("Dog/1") && !e.retained()).findFirst()
                .orElseThrow();
        assertThat(change.payload().contentType(), is("application/cbor"));
        robot.interact(() -> robot.from(pane).lookup("#log").queryTableView().getSelectionModel().select(change));
        assertThat(robot.from(pane).lookup("#diff").queryAs(TextArea.class).getText(), containsString("~ age: 3 → 4"));
        assertThat(robot.from(pane).lookup("#payload").queryAs(TextArea.class).getText(),
                containsString("\"age\" : 4"));
    }

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
        robot.clickOn("#tabPublish");
        robot.clickOn("#publishTopic").write("sensors/kitchen");
        choose(robot, "#publishFormat", Format.CBOR);
        robot.clickOn("#publishPayload").write("{\"celsius\": 21.5}");
        robot.clickOn("#publishProperties").write("room=kitchen");
        robot.clickOn("#publish");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(robot, "#publishResult"), containsString("message only")));
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

    @Test
    void theRateChartShowsABurst(FxRobot robot) throws Exception {
        subscribe(robot, "burst/#");
        SubscriptionPane pane = pane(robot, "burst/#");
        try (LiveConnection publisher = LiveConnection.open(address, Format.JSON, (state, why) -> { })) {
            for (int i = 0; i < 300; i++) {
                publisher.publish(new Publication("burst/" + (i % 5), ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                        Format.JSON.mediaType(), 0, false, List.of()));
            }
        }
        LineChart<?, ?> chart = robot.from(pane).lookup("#rate").queryAs(LineChart.class);
        await().atMost(PATIENCE).until(() -> chart.getData().getFirst().getData().stream()
                .anyMatch(point -> ((XYChart.Data<?, ?>) point).getYValue() instanceof Number n && n.longValue() > 0));
        await().atMost(PATIENCE).until(() -> text(pane, "#counts").startsWith("300 received"));
    }

    @Test
    void staysResponsiveDuringAFlood(FxRobot robot) throws Exception {
        subscribe(robot, "flood/#");
        SubscriptionPane pane = pane(robot, "flood/#");
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread flood = Thread.ofVirtual().start(() -> flood(flooding));
        try {
            await().atMost(PATIENCE).until(() -> received(pane) > 5_000);
            ToggleButton pause = robot.from(pane).lookup("#pause").queryAs(ToggleButton.class);
            robot.moveTo(pause);
            long started = System.nanoTime();
            robot.clickOn(MouseButton.PRIMARY);
            WaitForAsyncUtils.waitForFxEvents();
            long answeredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(pause.isSelected(), is(true));
            assertThat(answeredMillis, lessThan(1_000L));
            long worstLatency = 0;
            for (int sample = 0; sample < 10; sample++) {
                worstLatency = Math.max(worstLatency, fxThreadLatencyMillis());
            }
            assertThat(worstLatency, lessThan(1_000L));
            System.out.printf("flood: click answered in %d ms, JavaFX thread latency at most %d ms, %s%n",
                    answeredMillis, worstLatency, text(pane, "#counts"));
            long shownWhenPaused = rows(pane).size();
            await().atMost(PATIENCE).until(() -> skipped(pane) > 0);
            assertThat((long) rows(pane).size(), is(shownWhenPaused));
            assertThat(rows(pane).size(), lessThan(SubscriptionPane.ROWS_KEPT + 1));
        } finally {
            flooding.set(false);
            flood.join();
        }
        assertThat(received(pane), greaterThan(5_000L));
    }

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
        await().atMost(PATIENCE).until(() -> chart.getData().getFirst().getData().size() >= 3);
        LogEntry latest = rows(pane).stream().filter(e -> e.topic().equals("Dog/2")).findFirst().orElseThrow();
        robot.interact(() -> robot.from(pane).lookup("#log").queryTableView().getSelectionModel().select(latest));
        Screenshots.save(robot, scene, "live");

        robot.clickOn("#tabPublish");
        robot.clickOn("#publishTopic").write("sensors/kitchen");
        choose(robot, "#publishFormat", Format.CBOR);
        robot.clickOn("#publishPayload").write("{\"celsius\": 21.5, \"humidity\": 40}");
        robot.clickOn("#publishProperties").write("room=kitchen");
        robot.clickOn("#publish");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(robot, "#publishResult"), containsString("message only")));
        robot.clickOn("#publishTopic").eraseText("sensors/kitchen".length()).write("Dog/7");
        robot.interact(() -> robot.lookup("#publishPayload").queryAs(TextArea.class).setText("{\"name\": \"Max\", \"age\": 4"));
        Screenshots.save(robot, scene, "publish");
        assertThat(Files.size(Screenshots.FOLDER.resolve("live.png")), greaterThan(10_000L));
    }

    /** How long a task posted to the JavaFX thread waits before it runs. */
    private static long fxThreadLatencyMillis() throws Exception {
        long posted = System.nanoTime();
        java.util.concurrent.CompletableFuture<Long> ran = new java.util.concurrent.CompletableFuture<>();
        javafx.application.Platform.runLater(() -> ran.complete(System.nanoTime()));
        return TimeUnit.NANOSECONDS.toMillis(ran.get(5, TimeUnit.SECONDS) - posted);
    }

    /** 5,000 messages a second, paced in 10 ms slices, until told to stop. */
    private static void flood(AtomicBoolean flooding) {
        byte[] payload = "{\"reading\":1}".getBytes(StandardCharsets.UTF_8);
        try (LiveConnection publisher = LiveConnection.open(address, Format.JSON, (state, why) -> { })) {
            long slice = System.nanoTime();
            while (flooding.get()) {
                for (int i = 0; i < 50; i++) {
                    publisher.publish(new Publication("flood/" + (i % 10), payload, Format.JSON.mediaType(), 0, false,
                            List.of()));
                }
                slice += 10_000_000;
                long wait = slice - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void openDogs(FxRobot robot) {
        Predicate<Node> dogCell = cell -> cell instanceof ListCell<?> item && item.getText() != null
                && item.getText().startsWith("Dog");
        await().atMost(PATIENCE).until(() -> robot.lookup(".list-cell").match(dogCell).tryQuery().isPresent());
        robot.clickOn(robot.lookup(".list-cell").match(dogCell).queryAs(Node.class));
        TableView<JsonNode> records = robot.lookup("#records").queryTableView();
        await().atMost(PATIENCE).until(() -> !records.getItems().isEmpty());
    }

    private void subscribe(FxRobot robot, String filter) {
        await().atMost(PATIENCE).until(() -> text(robot, "#status").startsWith("connected"));
        robot.clickOn("#tabLive");
        robot.clickOn("#subscribeFilter").write(filter).type(KeyCode.ENTER);
        await().atMost(PATIENCE).until(() -> robot.lookup((Node node) -> node instanceof SubscriptionPane
                && node.getId().equals("subscription-" + filter)).tryQuery().isPresent());
    }

    private static SubscriptionPane pane(FxRobot robot, String filter) {
        return robot.lookup((Node node) -> node instanceof SubscriptionPane && node.getId().equals("subscription-" + filter))
                .queryAs(SubscriptionPane.class);
    }

    private static List<LogEntry> rows(SubscriptionPane pane) {
        return List.copyOf(new FxRobot().from(pane).lookup("#log").<LogEntry>queryTableView().getItems());
    }

    private static long received(SubscriptionPane pane) {
        return Long.parseLong(text(pane, "#counts").split(" ")[0]);
    }

    private static long skipped(SubscriptionPane pane) {
        String counts = text(pane, "#counts");
        return Long.parseLong(counts.substring(counts.indexOf("· ") + 2).split(" ")[0]);
    }

    @SuppressWarnings("unchecked")
    private static <T> void choose(FxRobot robot, String query, T value) {
        ChoiceBox<T> choice = robot.lookup(query).queryAs(ChoiceBox.class);
        robot.interact(() -> choice.setValue(value));
    }

    private static String text(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(Label.class).getText();
    }

    private static String text(SubscriptionPane pane, String query) {
        return new FxRobot().from(pane).lookup(query).queryAs(Label.class).getText();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
