package pier.studio;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.property.SimpleStringProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import pier.client.LiveSubscription;
import pier.client.TableInfo;

/**
 * Tables on the left; the open table's records in the middle, a page at a time, filtered by the query box
 * and sorted by the server when a column header is clicked; the selected record on the right. The view
 * follows the table's changes (an MQTT subscription to {@code T/#} without the current state) and reloads
 * its page when one arrives.
 */
final class BrowseView extends SplitPane {

    static final int PAGE_SIZE = 50;

    private final Session session;
    private final ListView<TableInfo> tables = new ListView<>();
    private final TextField query = new TextField();
    private final TableView<JsonNode> records = new TableView<>();
    private final Label page = new Label();
    private final Button previous = new Button("◀");
    private final Button next = new Button("▶");
    private final RecordPane recordPane;
    private final ExportBar exportBar;
    private final PauseTransition reloadSoon = new PauseTransition(Duration.millis(250));
    private TableInfo open;
    private int offset;
    private String sort = "";
    private LiveSubscription changes;

    BrowseView(Session session) {
        this.session = session;
        this.recordPane = new RecordPane(session, this::reload);
        this.exportBar = new ExportBar(session, this::currentTable, this::viewQuery, this::columns);
        tables.setId("tables");
        tables.setItems(session.tables());
        tables.setCellFactory(Controls.cells(table -> table.name() + "  (" + table.records() + ")"));
        tables.getSelectionModel().selectedItemProperty().addListener((seen, was, table) -> {
            if (table != null && (open == null || !open.name().equals(table.name()))) {
                openTable(table);
            }
        });
        records.setId("records");
        records.setPlaceholder(new Label("Pick a table on the left"));
        records.setSortPolicy(view -> {
            sortBy(view.getSortOrder());
            return true;
        });
        records.getSelectionModel().selectedItemProperty().addListener((seen, was, record) -> {
            // a page reload selects the same record again: that must not replace an edit in progress
            if (record != null && open != null && !recordPane.shows(open, record.path(open.primaryKey()).asText())) {
                recordPane.show(open, record.path(open.primaryKey()).asText());
            }
        });
        reloadSoon.setOnFinished(event -> reload());
        session.onDisconnect(() -> {
            stopFollowing();
            open = null;
            records.getItems().clear();
            recordPane.clear();
        });
        getItems().addAll(tables, center(), recordPane);
        setDividerPositions(0.15, 0.65);
    }

    /** Reloads the current page (Ctrl+R). */
    void reload() {
        if (open == null) {
            return;
        }
        TableInfo table = open;
        int from = offset;
        String text = pageQuery();
        session.run("query " + table.name(), () -> session.rest().query(table.name(), text), rows -> {
            if (table == open && from == offset) {
                showRows(rows);
            }
        });
    }

    /** Clears the record pane for a new record (Ctrl+N). */
    void newRecord() {
        if (open != null) {
            recordPane.startNew(open);
        }
    }

    RecordPane recordPane() {
        return recordPane;
    }

    private BorderPane center() {
        query.setId("query");
        query.setPromptText("query, such as age=gt=3&breed=lab (Enter)");
        query.setOnAction(event -> {
            offset = 0;
            reload();
        });
        HBox.setHgrow(query, Priority.ALWAYS);
        Button run = new Button("Run");
        run.setId("runQuery");
        run.setOnAction(event -> {
            offset = 0;
            reload();
        });
        previous.setId("previousPage");
        previous.setOnAction(event -> {
            offset = Math.max(0, offset - PAGE_SIZE);
            reload();
        });
        next.setId("nextPage");
        next.setOnAction(event -> {
            offset += PAGE_SIZE;
            reload();
        });
        page.setId("page");
        HBox top = new HBox(6, new Label("Query"), query, run, previous, page, next);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(0, 0, 6, 0));
        BorderPane center = new BorderPane(records, top, null, exportBar, null);
        center.setPadding(new Insets(6));
        VBox.setVgrow(records, Priority.ALWAYS);
        return center;
    }

    private void openTable(TableInfo table) {
        stopFollowing();
        open = table;
        offset = 0;
        sort = "";
        records.getSortOrder().clear();
        records.getItems().clear();
        records.getColumns().setAll(columnsFor(table.columns()));
        recordPane.clear();
        reload();
        session.run("follow " + table.name(), () -> session.live().subscribe(table.name() + "/#", false,
                message -> Platform.runLater(reloadSoon::playFromStart)), subscription -> {
            if (open == table) {
                changes = subscription;
            } else {
                subscription.close();
            }
        });
    }

    private void stopFollowing() {
        LiveSubscription following = changes;
        changes = null;
        if (following != null) {
            Thread.ofVirtual().start(following::close);
        }
    }

    private void showRows(List<JsonNode> rows) {
        Set<String> known = new LinkedHashSet<>(columns());
        Set<String> extra = new LinkedHashSet<>();
        rows.forEach(row -> row.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                extra.add(name);
            }
        }));
        if (!extra.isEmpty()) {
            records.getColumns().addAll(columnsFor(new ArrayList<>(extra)));
        }
        String selected = records.getSelectionModel().getSelectedItem() == null ? null
                : records.getSelectionModel().getSelectedItem().path(open.primaryKey()).asText();
        records.getItems().setAll(rows);
        page.setText(rows.isEmpty() ? "no records" : (offset + 1) + "–" + (offset + rows.size()));
        previous.setDisable(offset == 0);
        next.setDisable(rows.size() < PAGE_SIZE);
        if (selected != null) {
            rows.stream().filter(row -> row.path(open.primaryKey()).asText().equals(selected)).findFirst()
                    .ifPresent(row -> records.getSelectionModel().select(row));
        }
        recordPane.refreshIfUnchanged();
    }

    private List<TableColumn<JsonNode, String>> columnsFor(List<String> names) {
        return names.stream().map(name -> {
            TableColumn<JsonNode, String> column = new TableColumn<>(name);
            column.setId("column-" + name);
            column.setCellValueFactory(cell -> new SimpleStringProperty(text(cell.getValue().get(name))));
            column.setPrefWidth(110);
            return column;
        }).toList();
    }

    private void sortBy(List<TableColumn<JsonNode, ?>> order) {
        String wanted = order.isEmpty() ? "" : "sort(" + order.stream()
                .map(column -> (column.getSortType() == TableColumn.SortType.ASCENDING ? "+" : "-") + column.getText())
                .reduce((a, b) -> a + "," + b).orElseThrow() + ")";
        if (!wanted.equals(sort)) {
            sort = wanted;
            offset = 0;
            reload();
        }
    }

    /** The query as typed plus the view's own sort, unless the query already says it: what an export saves. */
    private String viewQuery() {
        String typed = conditions();
        if (sort.isEmpty() || typed.contains("sort(")) {
            return typed;
        }
        return typed.isEmpty() ? sort : typed + "&" + sort;
    }

    /** The view's query and the current page, unless the query sets its own limit. */
    private String pageQuery() {
        String view = viewQuery();
        if (view.contains("limit(")) {
            return view;
        }
        String limit = "limit(" + offset + "," + (offset + PAGE_SIZE) + ")";
        return view.isEmpty() ? limit : view + "&" + limit;
    }

    private String conditions() {
        String typed = query.getText().strip();
        return typed.startsWith("?") ? typed.substring(1) : typed;
    }

    private TableInfo currentTable() {
        return open;
    }

    private List<String> columns() {
        return records.getColumns().stream().map(TableColumn::getText).toList();
    }

    private static String text(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        return value.isTextual() ? value.asText() : value.toString();
    }
}
