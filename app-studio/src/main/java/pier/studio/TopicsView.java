package pier.studio;

import java.util.List;
import java.util.function.Function;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.SimpleStringProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.util.Duration;

import pier.client.LiveMessage;
import pier.client.LiveSubscription;

/**
 * Every topic seen — records of tables and plain topics — as a tree, with message counts, rates, the
 * newest value and whether it was retained, filterable. It follows {@code #} without the current state
 * (MQTT 5 Retain Handling 2, Retain As Published: what is written as a record arrives flagged retained),
 * from the first time the tab is shown. A flood costs the client's thread a count per message and the
 * screen four updates a second, however fast messages come.
 */
final class TopicsView extends BorderPane {

    private static final String EVERYTHING = "#";

    private final Session session;
    private final TopicCounts counts = new TopicCounts();
    private final TopicTree tree = new TopicTree();
    private final TreeTableView<TopicTree.Node> table = new TreeTableView<>(tree.root());
    private final Label summary = new Label("not watching");
    private final TextArea value = new TextArea();
    private final Timeline ticks = new Timeline(new KeyFrame(Duration.millis(250), event -> tick()));
    private volatile LiveSubscription subscription;
    private LiveMessage shown;
    private int tick;

    TopicsView(Session session) {
        this.session = session;
        setId("topicsView");
        TextField filter = new TextField();
        filter.setId("topicFilter");
        filter.setPromptText("show only topics containing …");
        filter.textProperty().addListener((seen, was, text) -> tree.filter(text, counts.all()));
        HBox.setHgrow(filter, Priority.ALWAYS);
        summary.setId("topicCounts");
        HBox bar = new HBox(6, new Label("Filter"), filter, summary);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6));
        table.setId("topics");
        table.setShowRoot(false);
        table.setPlaceholder(new Label("Topics appear here as messages arrive"));
        table.getColumns().setAll(List.of(column("Topic", 260, node -> node.name),
                column("Messages", 90, node -> Long.toString(node.total)),
                column("Rate/s", 70, node -> Long.toString(node.rate)),
                column("Retained", 75, node -> node.retained() ? "retained" : ""),
                column("Newest value", 500, TopicTree.Node::summary)));
        table.getSelectionModel().selectedItemProperty().addListener((seen, was, item) -> show(item));
        value.setId("topicValue");
        value.setEditable(false);
        value.setStyle("-fx-font-family: monospace");
        SplitPane body = new SplitPane(table, value);
        body.setDividerPositions(0.7);
        setTop(bar);
        setCenter(body);
        ticks.setCycleCount(Timeline.INDEFINITE);
        session.onDisconnect(this::stop);
    }

    /** Starts following every topic, once; called when the tab is shown. */
    void watch() {
        if (subscription != null || !session.connectedProperty().get()) {
            return;
        }
        session.run("watch every topic", () -> session.live().subscribe(EVERYTHING, false, counts::receive), live -> {
            subscription = live;
            summary.setText("watching #");
            ticks.play();
        });
    }

    private void stop() {
        ticks.stop();
        LiveSubscription live = subscription;
        subscription = null;
        if (live != null) {
            Thread.ofVirtual().start(live::close);
        }
        counts.clear();
        tree.filter("", List.of());
        summary.setText("not watching");
    }

    private void tick() {
        counts.drain().forEach(tree::apply);
        if (++tick % 4 == 0) {
            tree.second();
        }
        table.refresh(); // the visible rows only
        show(table.getSelectionModel().getSelectedItem());
        summary.setText(counts.size() + " topics · " + counts.received() + " messages" + (counts.beyondLimit() > 0
                ? " · " + counts.beyondLimit() + " on topics beyond the " + TopicCounts.MAX_TOPICS + " kept" : ""));
    }

    // decoded only when the selected topic's newest message is another one than is shown
    private void show(TreeItem<TopicTree.Node> item) {
        TopicTree.Node node = item == null ? null : item.getValue();
        LiveMessage newest = node == null ? null : node.last;
        if (newest == shown) {
            return;
        }
        shown = newest;
        value.setText(newest == null ? "" : node.topic + "\n\n" + newest.decoded().text());
    }

    private static TreeTableColumn<TopicTree.Node, String> column(String title, double width,
                                                                 Function<TopicTree.Node, String> text) {
        TreeTableColumn<TopicTree.Node, String> column = new TreeTableColumn<>(title);
        column.setCellValueFactory(cell -> new SimpleStringProperty(text.apply(cell.getValue().getValue())));
        column.setPrefWidth(width);
        column.setSortable(false);
        return column;
    }
}
