package pier.studio;

import java.util.List;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.paint.Color;
import javafx.stage.Stage;

/**
 * The studio's window: the connection bar, the Browse, Live, Publish, Topics, Users and Server tabs, and a notice line that shows
 * the last result or error. Keyboard: Ctrl+1/2/3 switch tabs, Ctrl+R (F5) reloads the records, Ctrl+N
 * starts a new record, Ctrl+S saves it, Ctrl+L goes to the subscription box, Ctrl+P pauses the shown
 * log, Ctrl+Enter publishes.
 */
public final class Studio extends Application {

    private Session session;

    @Override
    public void start(Stage stage) {
        List<String> args = getParameters().getRaw();
        session = open(stage, StudioOptions.parse(args, System.getenv("PIER_PASSWORD")));
    }

    @Override
    public void stop() {
        if (session != null) {
            session.disconnect();
        }
    }

    /**
     * Builds the window on {@code stage} and shows it; connects at once when the options name a server.
     *
     * @return the session, for the caller to disconnect when done
     */
    static Session open(Stage stage, StudioOptions options) {
        Session session = new Session();
        ConnectionBar connection = new ConnectionBar(session, options);
        BrowseView browse = new BrowseView(session);
        LiveView live = new LiveView(session);
        PublishView publish = new PublishView(session);
        AccountsView accounts = new AccountsView(session);
        TopicsView topics = new TopicsView(session);
        Tab topicsTab = tab("Topics", topics);
        // following every topic starts when someone looks
        topicsTab.setOnSelectionChanged(event -> {
            if (topicsTab.isSelected()) {
                topics.watch();
            }
        });
        TabPane tabs = new TabPane(tab("Browse", browse), tab("Live", live), tab("Publish", publish), topicsTab,
                tab("Users", accounts), tab("Server", new ServerView(session)));
        tabs.setId("tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        Label notice = new Label();
        notice.setId("notice");
        notice.setWrapText(true);
        notice.textProperty().bind(session.noticeProperty());
        notice.textFillProperty().bind(session.noticeIsErrorProperty().map(error -> error ? Color.FIREBRICK
                : Color.DARKSLATEGRAY));
        notice.setStyle("-fx-padding: 4 8 6 8");
        BorderPane root = new BorderPane(tabs, connection, null, notice, null);
        Scene scene = new Scene(root, 1280, 800);
        shortcuts(scene, tabs, browse, live, publish);
        stage.setTitle("Pier Studio");
        stage.setScene(scene);
        stage.show();
        if (options.connectAtStart()) {
            connection.connect();
        }
        return session;
    }

    private static void shortcuts(Scene scene, TabPane tabs, BrowseView browse, LiveView live, PublishView publish) {
        shortcut(scene, new KeyCodeCombination(KeyCode.DIGIT1, KeyCombination.SHORTCUT_DOWN),
                () -> tabs.getSelectionModel().select(0));
        shortcut(scene, new KeyCodeCombination(KeyCode.DIGIT2, KeyCombination.SHORTCUT_DOWN),
                () -> tabs.getSelectionModel().select(1));
        shortcut(scene, new KeyCodeCombination(KeyCode.DIGIT3, KeyCombination.SHORTCUT_DOWN),
                () -> tabs.getSelectionModel().select(2));
        shortcut(scene, new KeyCodeCombination(KeyCode.R, KeyCombination.SHORTCUT_DOWN), browse::reload);
        shortcut(scene, new KeyCodeCombination(KeyCode.F5), browse::reload);
        shortcut(scene, new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN), browse::newRecord);
        shortcut(scene, new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN), browse.recordPane()::save);
        shortcut(scene, new KeyCodeCombination(KeyCode.L, KeyCombination.SHORTCUT_DOWN), () -> {
            tabs.getSelectionModel().select(1);
            live.focusFilter();
        });
        shortcut(scene, new KeyCodeCombination(KeyCode.P, KeyCombination.SHORTCUT_DOWN), live::togglePause);
        shortcut(scene, new KeyCodeCombination(KeyCode.ENTER, KeyCombination.SHORTCUT_DOWN), publish::publish);
    }

    private static Tab tab(String title, javafx.scene.Node content) {
        Tab tab = new Tab(title, content);
        tab.setId("tab" + title);
        return tab;
    }

    private static void shortcut(Scene scene, KeyCombination keys, Runnable action) {
        scene.getAccelerators().put(keys, action);
    }
}
