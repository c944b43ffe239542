package pier.studio;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

import pier.client.Format;
import pier.client.Publication;

/**
 * A message to publish: topic, payload written as JSON and sent as JSON, CBOR or MessagePack, QoS, retain
 * and MQTT 5 user properties. The payload is checked while it is typed; Publish stays disabled until it is
 * valid. Each publish lands in a history to load again or resend, and the result line says what it did:
 * a retained message on a record's topic writes the record, anything else only notifies subscribers. Below
 * it, a recorded file can be published again.
 */
final class PublishView extends SplitPane {

    private static final int HISTORY_KEPT = 100;

    private final Session session;
    private final TextField topic = new TextField();
    private final ChoiceBox<Format> format = new ChoiceBox<>();
    private final ChoiceBox<Integer> qos = new ChoiceBox<>();
    private final CheckBox retain = new CheckBox("Retain (writes the record)");
    private final TextArea payload = new TextArea();
    private final TextArea userProperties = new TextArea();
    private final Label validation = new Label();
    private final Label result = new Label();
    private final Button publish = new Button("Publish");
    private final ListView<Sent> history = new ListView<>();

    PublishView(Session session) {
        this.session = session;
        topic.setId("publishTopic");
        topic.setPromptText("Dog/7 or sensors/kitchen");
        format.setId("publishFormat");
        format.getItems().setAll(Format.values());
        format.setValue(Format.JSON);
        qos.setId("publishQos");
        qos.getItems().setAll(0, 1, 2);
        qos.setValue(1);
        retain.setId("publishRetain");
        payload.setId("publishPayload");
        payload.setPromptText("{\"name\": \"Rex\", \"age\": 3}  (empty + retain deletes the record)");
        payload.setStyle("-fx-font-family: monospace");
        userProperties.setId("publishProperties");
        userProperties.setPromptText("key=value, one per line");
        userProperties.setPrefRowCount(3);
        validation.setId("publishValidation");
        validation.setTextFill(Color.FIREBRICK);
        result.setId("publishResult");
        result.setWrapText(true);
        publish.setId("publish");
        publish.setOnAction(event -> publish());
        payload.textProperty().addListener((seen, was, text) -> validate());
        userProperties.textProperty().addListener((seen, was, text) -> validate());
        topic.textProperty().addListener((seen, was, text) -> validate());
        getItems().addAll(form(), historyBox());
        setDividerPositions(0.7);
        validate();
    }

    private VBox historyBox() {
        history.setId("publishHistory");
        history.setCellFactory(Controls.cells(Sent::label));
        history.getSelectionModel().selectedItemProperty().addListener((seen, was, sent) -> {
            if (sent != null) {
                load(sent);
            }
        });
        Button resend = new Button("Resend");
        resend.setId("resend");
        resend.setOnAction(event -> {
            Sent sent = history.getSelectionModel().getSelectedItem();
            if (sent != null) {
                send(sent);
            }
        });
        VBox historyBox = new VBox(6, new Label("History (select to load)"), history, resend);
        VBox.setVgrow(history, Priority.ALWAYS);
        historyBox.setPadding(new Insets(6));
        return historyBox;
    }

    /** Publishes the form's message (Ctrl+Enter). */
    void publish() {
        if (publish.isDisabled()) {
            return;
        }
        try {
            send(new Sent(publication(), payload.getText(), format.getValue()));
        } catch (IllegalArgumentException e) {
            session.error(e.getMessage());
        }
    }

    private GridPane form() {
        GridPane form = new GridPane(8, 8);
        form.setPadding(new Insets(6));
        form.addRow(0, new Label("Topic"), topic);
        form.addRow(1, new Label("Format"), format);
        form.addRow(2, new Label("QoS"), qos);
        form.addRow(3, new Label(""), retain);
        form.addRow(4, new Label("Payload (JSON)"), payload);
        form.addRow(5, new Label("User properties"), userProperties);
        form.addRow(6, new Label(""), validation);
        form.addRow(7, new Label(""), publish);
        form.addRow(8, new Label("Result"), result);
        form.add(new ReplayBar(session), 0, 9, 2, 1);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        form.getColumnConstraints().setAll(labels, fields);
        GridPane.setVgrow(payload, Priority.ALWAYS);
        form.setAlignment(Pos.TOP_LEFT);
        return form;
    }

    private void validate() {
        String problem = problem();
        validation.setText(problem == null ? "" : problem);
        publish.setDisable(problem != null);
    }

    private String problem() {
        if (topic.getText().isBlank()) {
            return "a topic is needed";
        }
        if (topic.getText().contains("+") || topic.getText().contains("#")) {
            return "a topic to publish to has no wildcards (+ or #)";
        }
        try {
            UserProperties.parse(userProperties.getText());
            if (!payload.getText().isBlank()) {
                JsonText.parse(payload.getText());
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private Publication publication() {
        byte[] bytes = payload.getText().isBlank() ? new byte[0]
                : format.getValue().encode(JsonText.parse(payload.getText()));
        return new Publication(topic.getText().strip(), bytes, bytes.length == 0 ? null : format.getValue().mediaType(),
                qos.getValue(), retain.isSelected(), UserProperties.parse(userProperties.getText()));
    }

    private void send(Sent sent) {
        Publication message = sent.publication();
        session.run("publish to " + message.topic(), () -> session.live().publish(message), code -> {
            String effect = effect(message);
            result.setText(message.topic() + ": " + effect + (code == 0x10 ? " (no subscriber is listening)" : ""));
            session.info("published to " + message.topic() + ": " + effect);
            history.getItems().addFirst(sent);
            if (history.getItems().size() > HISTORY_KEPT) {
                history.getItems().removeLast();
            }
        });
    }

    /** What the server did with it: retained on a table's record topic writes (or deletes) the record. */
    private String effect(Publication message) {
        int slash = message.topic().indexOf('/');
        boolean recordTopic = slash > 0 && slash < message.topic().length() - 1 && session.tables().stream()
                .anyMatch(table -> table.name().equals(message.topic().substring(0, slash)));
        if (message.retain() && recordTopic) {
            return message.payload().length == 0 ? "record deleted" : "record written";
        }
        if (message.retain()) {
            return "retained message kept for new subscribers";
        }
        return "message only: subscribers notified, nothing stored";
    }

    private void load(Sent sent) {
        Publication message = sent.publication();
        topic.setText(message.topic());
        format.setValue(sent.format());
        qos.setValue(message.qos());
        retain.setSelected(message.retain());
        payload.setText(sent.text());
        userProperties.setText(UserProperties.format(message.userProperties()));
    }

    /** A published message and the JSON text it was written as. */
    private record Sent(Publication publication, String text, Format format) {
        String label() {
            return publication.topic() + "  " + format + " QoS " + publication.qos()
                    + (publication.retain() ? " retained" : "") + "  " + text.replace('\n', ' ');
        }
    }
}
