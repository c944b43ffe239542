package pier.studio;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.util.Duration;

import pier.client.ClientException;
import pier.client.ServerMetrics;

/**
 * The whole server at a glance, read each second: its live connections ({@code GET /$connections/}, with
 * their counters as they are now) and, from its metrics, the messages per second of each protocol, the
 * writes per second of each table, the commit latency and the heap, as charts of the last minute.
 */
final class ServerView extends BorderPane {

    private final Session session;
    private final ObservableList<JsonNode> connections = FXCollections.observableArrayList();
    private final Label summary = new Label("not connected");
    private final TimeChart protocols = new TimeChart("protocolRates", "messages in/s", true);
    private final TimeChart tables = new TimeChart("tableWrites", "writes/s", true);
    private final TimeChart latency = new TimeChart("commitLatency", "ms per write (mean)", false);
    private final TimeChart heap = new TimeChart("heap", "heap MB", false);
    private final Timeline ticks = new Timeline(new KeyFrame(Duration.seconds(1), event -> tick()));
    private final AtomicBoolean busy = new AtomicBoolean();
    private final MetricRates rates = new MetricRates();
    private long second;

    ServerView(Session session) {
        this.session = session;
        setId("server");
        summary.setId("serverSummary");
        summary.setPadding(new Insets(6));
        TableView<JsonNode> table = new TableView<>(connections);
        table.setId("connections");
        table.setPlaceholder(new Label("No connections (or no right to read $connections)"));
        table.getColumns().setAll(List.of(column("Id", 50, "id"), column("Protocol", 80, "protocol"),
                column("User", 90, "user"), column("Client id", 150, "clientId"),
                column("Address", 150, "remoteAddress"), column("Since", 190, "since"),
                column("Subscriptions", 220, v -> join(v.path("subscriptions"))),
                column("Queue", 60, "queueDepth"), column("In", 70, "messagesIn"), column("Out", 70, "messagesOut")));
        GridPane charts = new GridPane();
        charts.add(protocols.node(), 0, 0);
        charts.add(tables.node(), 1, 0);
        charts.add(latency.node(), 0, 1);
        charts.add(heap.node(), 1, 1);
        charts.getChildren().forEach(chart -> {
            GridPane.setHgrow(chart, Priority.ALWAYS);
            GridPane.setVgrow(chart, Priority.ALWAYS);
        });
        SplitPane body = new SplitPane(table, charts);
        body.setOrientation(Orientation.VERTICAL);
        body.setDividerPositions(0.35);
        setTop(summary);
        setCenter(body);
        ticks.setCycleCount(Timeline.INDEFINITE);
        session.connectedProperty().addListener((seen, was, now) -> {
            if (now) {
                ticks.play();
            }
        });
        session.onDisconnect(() -> {
            ticks.stop();
            connections.clear();
            summary.setText("not connected");
        });
    }

    // one reading at a time: a slow server is read less often, never by piled-up requests
    private void tick() {
        if (busy.compareAndSet(false, true)) {
            session.run("read the server's state", () -> new Reading(connections(), session.rest().metrics()),
                    this::show, () -> busy.set(false));
        }
    }

    private record Reading(List<JsonNode> connections, ServerMetrics metrics) {
    }

    // a user without the right to read $connections sees the metrics alone
    private List<JsonNode> connections() {
        try {
            return session.rest().query("$connections", "");
        } catch (ClientException e) {
            if (e.status() == 401 || e.status() == 403) {
                return List.of();
            }
            throw e;
        }
    }

    private void show(Reading reading) {
        busy.set(false);
        connections.setAll(reading.connections());
        ServerMetrics metrics = reading.metrics();
        MetricRates.Reading now = rates.next(metrics, System.nanoTime());
        second++;
        java.util.Map<String, Double> messages = now.perSecond("pier_protocol_messages_received_total", "protocol");
        java.util.Map<String, Double> writes = now.perSecond("pier_table_writes_total", "table");
        messages.forEach((protocol, rate) -> protocols.add(second, protocol, rate));
        writes.forEach((table, rate) -> tables.add(second, table, rate));
        double latencyMs = now.meanMillis("pier_store_batch_latency_seconds");
        latency.add(second, "latency", latencyMs);
        double heapMb = metrics.value("memory_usedHeap_bytes") / (1 << 20);
        heap.add(second, "heap", heapMb);
        summary.setText(String.format(java.util.Locale.ROOT, "%d connections · %.0f messages in/s · %.0f writes/s · "
                        + "commit latency %.1f ms · heap %.0f MB", connections.size(),
                messages.values().stream().mapToDouble(Double::doubleValue).sum(),
                writes.values().stream().mapToDouble(Double::doubleValue).sum(), latencyMs, heapMb));
    }

    private static String join(JsonNode list) {
        StringBuilder text = new StringBuilder();
        list.forEach(item -> text.append(text.isEmpty() ? "" : ", ").append(item.asText()));
        return text.toString();
    }

    private static TableColumn<JsonNode, String> column(String title, double width, String attribute) {
        return column(title, width, value -> value.path(attribute).asText(""));
    }

    private static TableColumn<JsonNode, String> column(String title, double width, Function<JsonNode, String> text) {
        TableColumn<JsonNode, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new SimpleStringProperty(text.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }
}
