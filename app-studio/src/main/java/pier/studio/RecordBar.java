package pier.studio;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

import pier.client.LiveMessage;

/**
 * Records a live tab: while on, every message the subscription receives (shown or skipped) is written to a
 * JSON Lines file ({@link Recording}), on the client's thread, buffered; turning it off closes the file.
 */
final class RecordBar extends HBox {

    private final Session session;
    private final TextField path = new TextField();
    private final ToggleButton record = new ToggleButton("Record");
    private final Label recorded = new Label();
    private final AtomicLong count = new AtomicLong();
    private volatile BufferedWriter out;

    RecordBar(Session session, String filter) {
        super(6);
        this.session = session;
        path.setId("recordPath");
        path.setPromptText("file to record to (JSON Lines)");
        HBox.setHgrow(path, Priority.ALWAYS);
        record.setId("record");
        record.setOnAction(event -> toggle(filter));
        recorded.setId("recorded");
        getChildren().addAll(new Label("Record to"), path, Controls.chooseFile(path, () -> "recording.jsonl", true),
                record, recorded);
        setAlignment(Pos.CENTER_LEFT);
    }

    /** Called for every message, on the client's thread. */
    void receive(LiveMessage message) {
        BufferedWriter writer = out;
        if (writer == null) {
            return;
        }
        synchronized (writer) {
            try {
                Recording.write(writer, message);
                count.incrementAndGet();
            } catch (IOException e) {
                // the disk failed: stop recording, say so
                out = null;
                javafx.application.Platform.runLater(() -> {
                    record.setSelected(false);
                    session.error("recording stopped: " + e.getMessage());
                });
            }
        }
    }

    /** Stops a recording that runs (the tab closes). */
    void stop() {
        BufferedWriter writer = out;
        out = null;
        if (writer != null) {
            synchronized (writer) {
                try {
                    writer.close();
                } catch (IOException e) {
                    session.error("cannot finish the recording: " + e.getMessage());
                }
            }
        }
    }

    private void toggle(String filter) {
        if (!record.isSelected()) {
            stop();
            recorded.setText(count.get() + " recorded");
            session.info("recorded " + count.get() + " messages of " + filter + " to " + path.getText().strip());
            return;
        }
        if (path.getText().isBlank()) {
            path.setText(Path.of(System.getProperty("user.home"), "pier-recording.jsonl").toString());
        }
        try {
            count.set(0);
            out = Files.newBufferedWriter(Path.of(path.getText().strip()), StandardCharsets.UTF_8);
            recorded.setText("recording …");
        } catch (IOException | java.nio.file.InvalidPathException e) {
            record.setSelected(false);
            session.error("cannot record to " + path.getText().strip() + ": " + e.getMessage());
        }
    }
}
