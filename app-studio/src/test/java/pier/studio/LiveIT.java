package pier.studio;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.MouseButton;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import pier.client.Format;
import pier.client.LiveConnection;
import pier.client.Publication;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/** Live subscriptions: logs, diffs, the rate chart, floods. */
class LiveIT extends StudioTestBase {

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
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(pane, "#counts") + " " + chart.getData().stream()
                .map(series -> series.getData().toString()).toList(), !chart.getData().isEmpty() && chart.getData()
                .getFirst().getData().stream().anyMatch(point -> ((XYChart.Data<?, ?>) point).getYValue()
                        instanceof Number n && n.doubleValue() > 0), is(true)));
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
}
