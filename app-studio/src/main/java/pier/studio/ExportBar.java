package pier.studio;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Supplier;

import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

import pier.client.ExportFormat;
import pier.client.TableInfo;

/**
 * Saves every record of the current view (the query and sort, all pages) as CSV or JSON Lines, streamed
 * from the server into a file, with a progress bar against the table's record count. The file appears
 * only when complete (written beside it, then moved).
 */
final class ExportBar extends HBox {

    private final Session session;
    private final Supplier<TableInfo> table;
    private final Supplier<String> query;
    private final Supplier<List<String>> columns;
    private final ChoiceBox<ExportFormat> format = new ChoiceBox<>();
    private final TextField path = new TextField();
    private final ProgressBar progress = new ProgressBar(0);
    private final Label done = new Label();
    private final Button export = new Button("Export");

    ExportBar(Session session, Supplier<TableInfo> table, Supplier<String> query, Supplier<List<String>> columns) {
        super(6);
        this.session = session;
        this.table = table;
        this.query = query;
        this.columns = columns;
        format.setId("exportFormat");
        format.getItems().setAll(ExportFormat.values());
        format.setValue(ExportFormat.CSV);
        path.setId("exportPath");
        path.setPromptText("file to write");
        HBox.setHgrow(path, Priority.ALWAYS);
        export.setId("export");
        export.setOnAction(event -> export());
        progress.setId("exportProgress");
        progress.setPrefWidth(120);
        done.setId("exportDone");
        getChildren().addAll(new Label("Export view as"), format, path, Controls.chooseFile(path, () -> (table.get() == null
                ? "records" : table.get().name()) + "." + format.getValue().extension(), true),
                export, progress, done);
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(6, 0, 0, 0));
    }

    private void export() {
        TableInfo open = table.get();
        if (open == null) {
            session.error("pick a table to export");
            return;
        }
        if (path.getText().isBlank()) {
            path.setText(Path.of(System.getProperty("user.home"), open.name() + "." + format.getValue().extension())
                    .toString());
        }
        Path target = Path.of(path.getText().strip());
        ExportFormat chosen = format.getValue();
        String view = query.get();
        List<String> header = columns.get();
        long expected = Math.max(1, open.records());
        export.setDisable(true);
        progress.setProgress(0);
        done.setText("");
        session.run("export " + open.name(), () -> write(open.name(), view, header, chosen, target, expected),
                written -> {
                    export.setDisable(false);
                    progress.setProgress(1);
                    done.setText(written + " records → " + target.getFileName());
                    session.info("exported " + written + " records of " + open.name() + " to " + target);
                }, () -> export.setDisable(false));
    }

    private long write(String name, String view, List<String> header, ExportFormat chosen, Path target, long expected)
            throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial))) {
            long written = session.rest().export(name, view, header, chosen, out,
                    count -> Platform.runLater(() -> progress.setProgress(Math.min(1.0, (double) count / expected))));
            out.close();
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            return written;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }
}
