package pier.studio;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javafx.application.Platform;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import pier.client.Format;
import pier.client.LiveConnection;
import pier.client.Publication;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * The Topics tab: records and plain topics as a tree with counts and retained marks, every message of a
 * 10,000 msg/s flood counted while the window stays responsive, and the filter.
 */
class TopicsIT extends StudioTestBase {

    private static final int FLOOD_SECONDS = 3;
    private static final int PUBLISHERS = 4;
    private static final int PER_SLICE = 25; // each publisher every 10 ms: 10,000 a second in all

    @Test
    void everyTopicSeenIsATreeThatKeepsUpWithAFlood(FxRobot robot) throws Exception {
        await().atMost(PATIENCE).until(() -> text(robot, "#status").startsWith("connected"));
        robot.clickOn("#tabTopics");
        await().atMost(PATIENCE).until(() -> text(robot, "#topicCounts").startsWith("watching")
                || text(robot, "#topicCounts").contains("topics"));
        @SuppressWarnings("unchecked")
        TreeTableView<TopicTree.Node> topics = robot.lookup("#topics").queryAs(TreeTableView.class);
        long published;
        try (LiveConnection publisher = LiveConnection.open(address, Format.JSON, (state, why) -> { })) {
            publisher.publish(publication("plant/line1/temp", "{\"celsius\": 21}", 1, true));
            publisher.publish(publication("plant/line2/temp", "{\"celsius\": 19}", 1, false));
            rest.put("Dog", "5", json("{\"name\":\"Lassie\",\"age\":7}"), null);
            await().atMost(PATIENCE).until(() -> node(topics, "plant/line1/temp").isPresent()
                    && node(topics, "Dog/5").isPresent());
            assertThat(node(topics, "plant/line1/temp").orElseThrow().retained(), is(true));
            assertThat(node(topics, "plant/line2/temp").orElseThrow().retained(), is(false));
            assertThat(node(topics, "Dog/5").orElseThrow().summary().contains("Lassie"), is(true));

        }
        long started = System.nanoTime();
        List<CompletableFuture<Long>> floods = new java.util.ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            String topic = "flood/" + p;
            floods.add(CompletableFuture.supplyAsync(() -> flood(topic), java.util.concurrent.Executors
                    .newVirtualThreadPerTaskExecutor()));
        }
        long worst = 0;
        while (!floods.stream().allMatch(CompletableFuture::isDone)) {
            worst = Math.max(worst, fxThreadLatencyMillis());
            TimeUnit.MILLISECONDS.sleep(200);
        }
        published = floods.stream().mapToLong(CompletableFuture::join).sum();
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("topics flood: %,d messages in %.1f s (%,.0f/s), JavaFX thread latency at most %d ms%n",
                published, seconds, published / seconds, worst);
        assertThat("the JavaFX thread answered during the flood", worst, lessThan(1_000L));
        long expected = published;
        await().atMost(PATIENCE).until(() -> node(topics, "flood").map(n -> n.total).orElse(0L) == expected);
        assertThat(node(topics, "flood").orElseThrow().total, is(expected));
        for (String level : List.of("Dog", "flood", "plant", "plant/line1", "plant/line2")) {
            TreeItem<TopicTree.Node> shown = item(topics, level).orElseThrow();
            robot.interact(() -> shown.setExpanded(true));
        }
        robot.interact(() -> topics.getSelectionModel().select(item(topics, "plant/line1/temp").orElseThrow()));
        Screenshots.save(robot, topics.getScene(), "topics");

        robot.clickOn("#topicFilter").write("line1");
        await().atMost(PATIENCE).until(() -> node(topics, "flood").isEmpty() && node(topics, "plant/line1/temp")
                .isPresent() && node(topics, "plant/line2").isEmpty());
    }

    /**
     * One publisher's share of the flood: Debian's mosquitto_pub over MQTT/TCP, a message a line of its
     * input (QoS 0), the lines paced in 10 ms slices; returns how many once it has sent them all.
     */
    private static long flood(String topic) {
        long sent = 0;
        try {
            Process publisher = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p",
                    String.valueOf(server.mqttPort()), "-u", "admin", "-P", "s3cret", "-t", topic, "-q", "0", "-l")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (var lines = new java.io.BufferedWriter(new java.io.OutputStreamWriter(publisher.getOutputStream(),
                    StandardCharsets.UTF_8))) {
                long slice = System.nanoTime();
                for (int s = 0; s < FLOOD_SECONDS * 100; s++) {
                    for (int i = 0; i < PER_SLICE; i++) {
                        lines.write("{\"reading\":" + sent++ + "}\n");
                    }
                    lines.flush();
                    slice += 10_000_000;
                    long wait = slice - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
            }
            assertThat(topic + " publisher finished", publisher.waitFor(30, TimeUnit.SECONDS), is(true));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sent;
    }

    private static long fxThreadLatencyMillis() throws Exception {
        long posted = System.nanoTime();
        CompletableFuture<Long> ran = new CompletableFuture<>();
        Platform.runLater(() -> ran.complete(System.nanoTime()));
        return TimeUnit.NANOSECONDS.toMillis(ran.get(5, TimeUnit.SECONDS) - posted);
    }

    private static Publication publication(String topic, String json, int qos, boolean retain) {
        return new Publication(topic, json.getBytes(StandardCharsets.UTF_8), Format.JSON.mediaType(), qos, retain,
                List.of());
    }

    private static Optional<TopicTree.Node> node(TreeTableView<TopicTree.Node> topics, String topic) {
        return item(topics, topic).map(TreeItem::getValue);
    }

    // the level of a topic, walked from the root on the JavaFX thread
    private static Optional<TreeItem<TopicTree.Node>> item(TreeTableView<TopicTree.Node> topics, String topic) {
        return WaitForAsyncUtils.waitForAsyncFx(PATIENCE.toMillis(), () -> {
            TreeItem<TopicTree.Node> level = topics.getRoot();
            for (String name : topic.split("/")) {
                level = level.getChildren().stream().filter(child -> child.getValue().name.equals(name)).findFirst()
                        .orElse(null);
                if (level == null) {
                    return Optional.empty();
                }
            }
            return Optional.of(level);
        });
    }
}
