package pier.studio;

import com.fasterxml.jackson.databind.JsonNode;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import pier.client.ClientException;
import pier.client.Format;
import pier.client.StoredRecord;
import pier.client.TableInfo;

/**
 * One record: read in the chosen format (CBOR and MessagePack are decoded and shown as JSON), edited as
 * JSON, saved with {@code PUT} or {@code PATCH} carrying {@code If-Match}, so an edit of a record someone
 * else changed meanwhile is refused with a clear message instead of overwriting their change.
 */
final class RecordPane extends VBox {

    private final Session session;
    private final Runnable changed;
    private final TextField id = new TextField();
    private final ChoiceBox<Format> format = new ChoiceBox<>();
    private final Label info = new Label("No record selected");
    private final TextArea body = new TextArea();
    private TableInfo table;
    private String etag;
    private String loadedText = "";

    RecordPane(Session session, Runnable changed) {
        super(6);
        this.session = session;
        this.changed = changed;
        id.setId("recordId");
        id.setPromptText("id (empty: the server picks one)");
        format.setId("recordFormat");
        format.getItems().setAll(Format.values());
        format.setValue(Format.JSON);
        format.valueProperty().addListener((seen, was, now) -> reload());
        info.setId("recordInfo");
        info.setWrapText(true);
        body.setId("recordBody");
        body.setStyle("-fx-font-family: monospace");
        VBox.setVgrow(body, Priority.ALWAYS);
        HBox idRow = new HBox(6, new Label("Id"), id, new Label("Read as"), format);
        idRow.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(id, Priority.ALWAYS);
        HBox actions = new HBox(6, Controls.button("New", "newRecord", this::startNewInOpenTable),
                Controls.button("Save (PUT)", "saveRecord", this::save), Controls.button("Patch", "patchRecord", this::patch),
                Controls.button("Delete", "deleteRecord", this::delete), Controls.button("Reload", "reloadRecord", this::reload));
        getChildren().addAll(idRow, info, body, actions);
        setPadding(new Insets(6));
        setMinWidth(260);
    }

    void show(TableInfo shown, String recordId) {
        table = shown;
        id.setText(recordId);
        id.setEditable(false);
        reload();
    }

    void startNew(TableInfo shown) {
        table = shown;
        etag = null;
        id.setText("");
        id.setEditable(true);
        loadedText = "{\n  \n}";
        body.setText(loadedText);
        info.setText("New record in " + shown.name() + ": write its JSON, then Save");
        id.requestFocus();
    }

    void clear() {
        table = null;
        etag = null;
        id.setText("");
        loadedText = "";
        body.setText("");
        info.setText("No record selected");
    }

    /** Whether this pane holds that record already (loaded, or being edited). */
    boolean shows(TableInfo candidate, String recordId) {
        return table != null && table.name().equals(candidate.name()) && id.getText().equals(recordId)
                && !id.isEditable();
    }

    /** Reloads the record unless the person has edited it since it was loaded. */
    void refreshIfUnchanged() {
        if (etag != null && body.getText().equals(loadedText)) {
            reload();
        }
    }

    void reload() {
        if (table == null || id.getText().isBlank() || etag == null && id.isEditable()) {
            return;
        }
        String name = table.name();
        String recordId = id.getText();
        Format wanted = format.getValue();
        session.run("read " + name + "/" + recordId, () -> session.rest().get(name, recordId, wanted), read -> {
            if (table != null && table.name().equals(name) && id.getText().equals(recordId)) {
                loaded(read);
            }
        }, () -> etag = null);
    }

    /** Saves the editor's JSON with PUT: a replace (Ctrl+S). */
    void save() {
        write(false);
    }

    private void patch() {
        write(true);
    }

    private void write(boolean patch) {
        if (table == null) {
            session.error("pick a table first");
            return;
        }
        JsonNode value;
        try {
            value = JsonText.parse(body.getText());
        } catch (IllegalArgumentException e) {
            session.error("the record is " + e.getMessage());
            return;
        }
        String name = table.name();
        String recordId = id.getText().strip();
        String ifMatch = etag;
        if (recordId.isEmpty()) {
            session.run("create in " + name, () -> session.rest().create(name, value), created -> {
                session.info("created " + name + "/" + created);
                show(table, created);
                changed.run();
            });
            return;
        }
        session.run((patch ? "patch " : "save ") + name + "/" + recordId, () -> patch
                ? session.rest().patch(name, recordId, value, ifMatch)
                : session.rest().put(name, recordId, value, ifMatch), newTag -> {
            session.info((patch ? "patched " : "saved ") + name + "/" + recordId);
            id.setEditable(false);
            etag = newTag;
            loadedText = body.getText();
            reload();
            changed.run();
        }, () -> {
            if (ifMatch != null) {
                explainConflict(name, recordId);
            }
        });
    }

    private void explainConflict(String name, String recordId) {
        session.run("check " + name + "/" + recordId, () -> {
            try {
                return session.rest().get(name, recordId, Format.JSON).etag();
            } catch (ClientException e) {
                return e.status() == 404 ? "deleted" : null;
            }
        }, current -> {
            if (current != null && !current.equals(etag)) {
                session.error("conflict: " + name + "/" + recordId + " was changed by someone else since you opened it"
                        + " (now " + current + ", yours " + etag + "). Your edit is still in the editor: Reload to"
                        + " see theirs, then apply yours again.");
            }
        });
    }

    private void delete() {
        if (table == null || id.getText().isBlank() || id.isEditable()) {
            session.error("pick a record to delete");
            return;
        }
        String name = table.name();
        String recordId = id.getText();
        ButtonType confirm = new ButtonType("Delete", ButtonBar.ButtonData.OK_DONE);
        Alert question = new Alert(Alert.AlertType.CONFIRMATION, "Delete " + name + "/" + recordId + "?", confirm,
                ButtonType.CANCEL);
        question.setHeaderText("Delete this record?");
        question.getDialogPane().setId("confirmDelete");
        if (question.showAndWait().filter(confirm::equals).isEmpty()) {
            return;
        }
        String ifMatch = etag;
        session.run("delete " + name + "/" + recordId, () -> {
            session.rest().delete(name, recordId, ifMatch);
            return recordId;
        }, deleted -> {
            session.info("deleted " + name + "/" + deleted);
            clear();
            changed.run();
        });
    }

    private void loaded(StoredRecord read) {
        etag = read.etag();
        id.setEditable(false);
        loadedText = read.value() == null ? "" : read.value().toPrettyString();
        body.setText(loadedText);
        info.setText(table.name() + "/" + id.getText() + "  ·  ETag " + read.etag() + "  ·  " + read.size() + " bytes of "
                + read.contentType());
    }

    private void startNewInOpenTable() {
        if (table != null) {
            startNew(table);
        } else {
            session.error("pick a table first");
        }
    }
}
