package pier.studio;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.TableView;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import pier.client.Format;
import pier.client.LiveConnection;
import pier.client.LiveSubscription;
import pier.client.Publication;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * The Server tab: a client's connection appears with its subscription and goes when it ends; writes move
 * the Dog line of the writes chart, the commit latency and the heap are drawn, the summary says it all.
 */
class ServerViewIT extends StudioTestBase {

    @Test
    void showsTheLiveConnectionsAndTheRatesOfTheServer(FxRobot robot) throws Exception {
        await().atMost(PATIENCE).until(() -> text(robot, "#status").startsWith("connected"));
        robot.clickOn("#tabServer");
        TableView<JsonNode> connections = robot.lookup("#connections").queryTableView();
        AtomicBoolean writing = new AtomicBoolean(true);
        try (LiveConnection device = LiveConnection.open(address, Format.JSON, (state, why) -> { });
             LiveSubscription sensors = device.subscribe("sensors/#", message -> { })) {
            assertThat(sensors.filter(), is("sensors/#"));
            Thread writer = Thread.ofVirtual().start(() -> {
                for (int i = 0; writing.get(); i++) {
                    rest.put("Dog", "server-" + (i % 50), json("{\"name\":\"w\",\"age\":" + (i % 9) + "}"), null);
                    device.publish(new Publication("sensors/hall", "{\"t\": 20}".getBytes(
                            java.nio.charset.StandardCharsets.UTF_8), Format.JSON.mediaType(), 1, false, List.of()));
                }
            });
            await().atMost(PATIENCE).until(() -> shows(robot, connections, "sensors/#"));
            await().atMost(PATIENCE).until(() -> plotted(robot, "#tableWrites", "Dog"));
            await().atMost(PATIENCE).until(() -> plotted(robot, "#commitLatency", "latency"));
            await().atMost(PATIENCE).until(() -> plotted(robot, "#heap", "heap"));
            await().atMost(PATIENCE).until(() -> plotted(robot, "#protocolRates", "mqtt-ws"));
            // the device's counters as they are now
            await().atMost(PATIENCE).until(() -> WaitForAsyncUtils.waitForAsyncFx(PATIENCE.toMillis(), () ->
                    connections.getItems().stream().anyMatch(row -> row.path("messagesIn").asLong() > 0)));
            assertThat(text(robot, "#serverSummary"), containsString("connections"));
            Screenshots.save(robot, connections.getScene(), "server");
            writing.set(false);
            writer.join(Duration.ofSeconds(10));
        } finally {
            writing.set(false);
        }
        // the device's end: its row goes
        await().atMost(PATIENCE).until(() -> !shows(robot, connections, "sensors/#"));
    }

    private static boolean shows(FxRobot robot, TableView<JsonNode> connections, String subscription) {
        return WaitForAsyncUtils.waitForAsyncFx(PATIENCE.toMillis(), () -> connections.getItems().stream()
                .anyMatch(row -> row.path("subscriptions").toString().contains(subscription)));
    }

    // a line of the chart has three points, one above zero
    private static boolean plotted(FxRobot robot, String chart, String line) {
        LineChart<?, ?> lines = robot.lookup(chart).queryAs(LineChart.class);
        return WaitForAsyncUtils.waitForAsyncFx(PATIENCE.toMillis(), () -> lines.getData().stream()
                .filter(series -> line.equals(series.getName()))
                .anyMatch(series -> series.getData().size() >= 3 && series.getData().stream().anyMatch(point ->
                        ((XYChart.Data<?, ?>) point).getYValue() instanceof Number n && n.doubleValue() > 0)));
    }
}
