package pier.studio;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

import pier.client.LiveConnection;

/**
 * Publishes a recorded file back ({@link Recording}), message by message with what each was received with
 * (topic, QoS, retain, content type, user properties): at its recorded pace, or as fast as the server
 * takes them (QoS 1 and 2 wait for each acknowledgement). A progress label counts them.
 */
final class ReplayBar extends HBox {

    private final Session session;
    private final TextField path = new TextField();
    private final CheckBox paced = new CheckBox("at the recorded pace");
    private final Button replay = new Button("Replay");
    private final Label done = new Label();

    ReplayBar(Session session) {
        super(6);
        this.session = session;
        path.setId("replayPath");
        path.setPromptText("a recording (JSON Lines) to publish again");
        HBox.setHgrow(path, Priority.ALWAYS);
        paced.setId("replayPaced");
        paced.setSelected(true);
        replay.setId("replay");
        replay.setOnAction(event -> replay());
        done.setId("replayDone");
        getChildren().addAll(new Label("Replay"), path, Controls.chooseFile(path, () -> "recording.jsonl", false),
                paced, replay, done);
        setAlignment(Pos.CENTER_LEFT);
    }

    private void replay() {
        Path file = Path.of(path.getText().strip());
        boolean atPace = paced.isSelected();
        replay.setDisable(true);
        done.setText("");
        session.run("replay " + file.getFileName(), () -> publishAll(Recording.read(file), atPace), count -> {
            replay.setDisable(false);
            done.setText(count + " replayed");
            session.info("replayed " + count + " messages from " + file + (atPace ? " at their pace" : ""));
        }, () -> replay.setDisable(false));
    }

    private int publishAll(List<Recording.Line> lines, boolean atPace) throws InterruptedException {
        LiveConnection live = session.live();
        long started = System.nanoTime();
        long first = lines.isEmpty() ? 0 : lines.getFirst().at();
        int count = 0;
        for (Recording.Line line : lines) {
            if (atPace) {
                long due = started + TimeUnit.MILLISECONDS.toNanos(line.at() - first);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            live.publish(line.publication());
            int sent = ++count;
            if (sent % 100 == 0) {
                Platform.runLater(() -> done.setText(sent + " of " + lines.size()));
            }
        }
        return count;
    }
}
