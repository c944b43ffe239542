package pier.studio;

import java.util.List;
import java.util.function.Function;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import pier.client.LiveMessage;
import pier.client.LiveSubscription;

/**
 * The live log of one subscription: newest first, bounded, with pause, clear and a text filter; the
 * selected message pretty-printed next to what changed since the previous message on its topic; the
 * message rate of the last minute; and a recording of every message to a file. Messages reach the screen ten times a second, at most
 * {@link #SHOWN_PER_TICK} at a time: what a flood brings beyond that is counted as skipped.
 */
final class SubscriptionPane extends BorderPane {

    static final int SHOWN_PER_TICK = 250;
    static final int ROWS_KEPT = 1_000;

    private final LiveLog<LogEntry> log = new LiveLog<>(SHOWN_PER_TICK);
    private final RateMeter rate = new RateMeter(System.nanoTime());
    private final ObservableList<LogEntry> rows = FXCollections.observableArrayList();
    private final FilteredList<LogEntry> shown = new FilteredList<>(rows);
    private final TableView<LogEntry> table = new TableView<>(shown);
    private final ToggleButton pause = new ToggleButton("Pause");
    private final Label counts = new Label();
    private final TextArea payload = new TextArea();
    private final TextArea diff = new TextArea();
    private final TimeChart perSecond = new TimeChart("rate", "messages/s", false);
    private final Timeline screen;
    private final Timeline chart;
    private final RecordBar recording;
    private volatile LiveSubscription subscription;
    private long seconds;

    SubscriptionPane(String filter, Session session) {
        setId("subscription-" + filter);
        recording = new RecordBar(session, filter);
        table.setId("log");
        table.setPlaceholder(new Label("Waiting for messages on " + filter));
        table.getColumns().setAll(List.of(column("Time", 95, LogEntry::time), column("Topic", 150, LogEntry::topic),
                column("Retained", 75, entry -> entry.retained() ? "retained" : ""),
                column("QoS", 40, entry -> String.valueOf(entry.qos())),
                column("Type", 130, entry -> entry.payload().contentType()),
                column("Payload", 400, LogEntry::summary), column("User properties", 150, LogEntry::properties)));
        table.getSelectionModel().selectedItemProperty().addListener((seen, was, entry) -> select(entry));
        payload.setId("payload");
        payload.setEditable(false);
        payload.setStyle("-fx-font-family: monospace");
        diff.setId("diff");
        diff.setEditable(false);
        diff.setStyle("-fx-font-family: monospace");
        SplitPane details = new SplitPane(titled("Payload", payload), titled("Changes since the topic's previous message",
                diff), perSecond.node());
        details.setDividerPositions(0.35, 0.65);
        SplitPane body = new SplitPane(table, details);
        body.setOrientation(Orientation.VERTICAL);
        body.setDividerPositions(0.6);
        setTop(toolbar());
        setCenter(body);
        setPadding(new Insets(6));
        screen = new Timeline(new KeyFrame(Duration.millis(100), event -> showWaiting()));
        screen.setCycleCount(Timeline.INDEFINITE);
        chart = new Timeline(new KeyFrame(Duration.seconds(1), event -> plotRate()));
        chart.setCycleCount(Timeline.INDEFINITE);
        screen.play();
        chart.play();
    }

    /** Called for every message, on the client's thread, which also decodes it. */
    void receive(LiveMessage message) {
        rate.record();
        recording.receive(message);
        log.offer(LogEntry.of(message));
    }

    void attach(LiveSubscription live) {
        subscription = live;
    }

    /** Stops the timers and unsubscribes. */
    void close() {
        screen.stop();
        chart.stop();
        recording.stop();
        LiveSubscription live = subscription;
        if (live != null) {
            Thread.ofVirtual().start(live::close);
        }
    }

    void togglePause() {
        pause.setSelected(!pause.isSelected());
    }

    private VBox toolbar() {
        pause.setId("pause");
        Button clear = new Button("Clear");
        clear.setId("clear");
        clear.setOnAction(event -> {
            log.clear();
            rows.clear();
            showCounts();
        });
        TextField filter = new TextField();
        filter.setId("logFilter");
        filter.setPromptText("show only messages containing …");
        filter.textProperty().addListener((seen, was, text) -> shown.setPredicate(entry -> entry.matches(text)));
        HBox.setHgrow(filter, Priority.ALWAYS);
        counts.setId("counts");
        HBox bar = new HBox(6, pause, clear, filter, counts);
        bar.setAlignment(Pos.CENTER_LEFT);
        VBox bars = new VBox(6, bar, recording);
        bars.setPadding(new Insets(0, 0, 6, 0));
        return bars;
    }

    private void showWaiting() {
        if (!pause.isSelected()) {
            List<LogEntry> batch = log.drain();
            if (!batch.isEmpty()) {
                rows.addAll(0, batch.reversed());
                if (rows.size() > ROWS_KEPT) {
                    rows.remove(ROWS_KEPT, rows.size());
                }
            }
        }
        showCounts();
    }

    private void showCounts() {
        counts.setText(log.received() + " received · " + log.skipped() + " skipped" + (pause.isSelected()
                ? " · paused" : ""));
    }

    private void plotRate() {
        perSecond.add(++seconds, "messages", rate.rate(System.nanoTime()));
    }

    private void select(LogEntry entry) {
        if (entry == null) {
            payload.setText("");
            diff.setText("");
            return;
        }
        payload.setText(entry.payload().text());
        int at = rows.indexOf(entry);
        LogEntry previous = rows.subList(at + 1, rows.size()).stream()
                .filter(older -> older.topic().equals(entry.topic())).findFirst().orElse(null);
        if (previous == null) {
            diff.setText("(the first message on " + entry.topic() + " in this log)");
        } else if (entry.deletion()) {
            diff.setText("(deleted)");
        } else if (previous.payload().value() == null || entry.payload().value() == null) {
            diff.setText(previous.payload().text().equals(entry.payload().text()) ? "(same payload)" : "(payload changed)");
        } else {
            List<String> lines = JsonDiff.between(previous.payload().value(), entry.payload().value());
            diff.setText(lines.isEmpty() ? "(no change)" : String.join("\n", lines));
        }
    }

    private static TableColumn<LogEntry, String> column(String title, double width,
                                                        Function<LogEntry, String> text) {
        TableColumn<LogEntry, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new SimpleStringProperty(text.apply(cell.getValue())));
        column.setPrefWidth(width);
        column.setSortable(false);
        return column;
    }

    private static VBox titled(String title, TextArea area) {
        VBox box = new VBox(4, new Label(title), area);
        VBox.setVgrow(area, Priority.ALWAYS);
        return box;
    }
}
