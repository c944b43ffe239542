package pier.studio;

import java.util.function.Function;

import javafx.scene.control.Button;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.util.Callback;

/** Small builders the views share. */
final class Controls {

    private Controls() {
    }

    /** A button with an id (for keyboard users' tests and TestFX) and an action. */
    static Button button(String text, String id, Runnable action) {
        Button button = new Button(text);
        button.setId(id);
        button.setOnAction(event -> action.run());
        return button;
    }

    /** The "…" button beside a file's path: a file chooser that puts what is picked into the path. */
    static Button chooseFile(javafx.scene.control.TextField path, java.util.function.Supplier<String> initialName,
                             boolean save) {
        return button("…", null, () -> {
            javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
            chooser.setInitialFileName(initialName.get());
            javafx.stage.Window window = path.getScene().getWindow();
            java.io.File chosen = save ? chooser.showSaveDialog(window) : chooser.showOpenDialog(window);
            if (chosen != null) {
                path.setText(chosen.getPath());
            }
        });
    }

    /** List cells showing each item as {@code text} says. */
    static <T> Callback<ListView<T>, ListCell<T>> cells(Function<T, String> text) {
        return list -> new ListCell<>() {
            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : text.apply(item));
            }
        };
    }
}
