package pier.studio;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import pier.client.Format;
import pier.client.LiveConnection;
import pier.client.LiveMessage;
import pier.client.LiveSubscription;
import pier.client.Publication;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * A live tab recorded to JSON Lines while messages arrive, then published back from the Publish tab: at
 * the recorded pace (taking as long as the recording did) and as fast as allowed, the same topics,
 * bytes, content types and user properties in the same order.
 */
class RecordReplayIT extends StudioTestBase {

    private static final int MESSAGES = 20;
    private static final long GAP_MILLIS = 50;

    @Test
    void aLiveTabIsRecordedAndPublishedBackAtItsPaceOrAtOnce(FxRobot robot) throws Exception {
        subscribe(robot, "replay/#");
        SubscriptionPane pane = pane(robot, "replay/#");
        Path file = folder.resolve("replay.jsonl");
        robot.clickOn(robot.from(pane).lookup("#recordPath").queryAs(javafx.scene.Node.class)).write(file.toString());
        robot.clickOn(robot.from(pane).lookup("#record").queryAs(javafx.scene.Node.class));
        List<Publication> sent = new ArrayList<>();
        try (LiveConnection publisher = LiveConnection.open(address, Format.JSON, (state, why) -> { })) {
            for (int i = 0; i < MESSAGES; i++) {
                Publication message = i == 7
                        ? new Publication("replay/cbor", Format.CBOR.encode(json("{\"n\": 7}")), Format.CBOR.mediaType(),
                        1, false, List.of(Map.entry("room", "hall")))
                        : new Publication("replay/" + (i % 3), ("{\"n\": " + i + "}").getBytes(StandardCharsets.UTF_8),
                        Format.JSON.mediaType(), 1, false, List.of());
                publisher.publish(message);
                sent.add(message);
                TimeUnit.MILLISECONDS.sleep(GAP_MILLIS); // the pace a replay reproduces
            }
        }
        await().atMost(PATIENCE).until(() -> received(pane) == MESSAGES);
        robot.clickOn(robot.from(pane).lookup("#record").queryAs(javafx.scene.Node.class));
        await().atMost(PATIENCE).until(() -> text(pane, "#recorded").equals(MESSAGES + " recorded"));
        Screenshots.save(robot, pane.getScene(), "record");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.size(), is(MESSAGES));
        assertThat(json(lines.get(7)).at("/value/n").asInt(), is(7)); // CBOR, readable in the file
        long recordedSpan = json(lines.getLast()).get("at").asLong() - json(lines.getFirst()).get("at").asLong();

        BlockingQueue<LiveMessage> back = new LinkedBlockingQueue<>();
        try (LiveConnection watcher = LiveConnection.open(address, Format.JSON, (state, why) -> { });
             LiveSubscription replayed = watcher.subscribe("replay/#", false, back::add)) {
            assertThat(replayed.filter(), is("replay/#"));
            robot.clickOn("#tabPublish");
            robot.clickOn("#replayPath").write(file.toString());
            long paced = replay(robot, back, sent);
            assertThat("paced replay took as long as the recording", paced, greaterThan(recordedSpan * 8 / 10));
            robot.clickOn("#replayPaced");
            long fast = replay(robot, back, sent);
            System.out.printf("replay: recorded over %d ms, replayed at its pace in %d ms, at once in %d ms%n",
                    recordedSpan, paced, fast);
            assertThat("a replay at once does not wait", fast, lessThan(paced));
            Screenshots.save(robot, pane.getScene(), "replay");
        }
    }

    /** Clicks Replay, checks every message comes back as it was sent; returns how long it took (ms). */
    private static long replay(FxRobot robot, BlockingQueue<LiveMessage> back, List<Publication> sent)
            throws InterruptedException {
        long started = System.nanoTime();
        robot.clickOn("#replay");
        for (Publication expected : sent) {
            LiveMessage message = back.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat("message " + expected.topic(), message != null, is(true));
            assertThat(message.topic(), is(expected.topic()));
            assertThat(new String(message.payload(), StandardCharsets.ISO_8859_1),
                    is(new String(expected.payload(), StandardCharsets.ISO_8859_1)));
            assertThat(message.contentType(), is(expected.contentType()));
            assertThat(message.userProperties().toString(), is(expected.userProperties().toString()));
        }
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        await().atMost(PATIENCE).until(() -> text(robot, "#replayDone").equals(sent.size() + " replayed"));
        return took;
    }
}
