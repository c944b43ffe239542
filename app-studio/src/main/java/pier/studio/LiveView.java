package pier.studio;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * Topic filters and live queries to watch ({@code Dog/#}, {@code Dog/7}, {@code sensors/+},
 * {@code Dog/?age=gt=3}), each in a tab of its own; closing a tab unsubscribes.
 */
final class LiveView extends BorderPane {

    private final Session session;
    private final TextField filter = new TextField();
    private final TabPane subscriptions = new TabPane();

    LiveView(Session session) {
        this.session = session;
        filter.setId("subscribeFilter");
        filter.setPromptText("topic filter or live query: Dog/#, Dog/7, sensors/+, Dog/?age=gt=3 (Enter)");
        filter.setOnAction(event -> subscribe());
        HBox.setHgrow(filter, Priority.ALWAYS);
        Button subscribe = new Button("Subscribe");
        subscribe.setId("subscribe");
        subscribe.setOnAction(event -> subscribe());
        HBox bar = new HBox(6, new Label("Watch"), filter, subscribe);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6));
        subscriptions.setId("subscriptions");
        subscriptions.setTabClosingPolicy(TabPane.TabClosingPolicy.ALL_TABS);
        setTop(bar);
        setCenter(subscriptions);
        session.onDisconnect(this::closeAll);
    }

    void focusFilter() {
        filter.requestFocus();
    }

    /** Pauses or resumes the selected subscription's log. */
    void togglePause() {
        Tab selected = subscriptions.getSelectionModel().getSelectedItem();
        if (selected != null) {
            ((SubscriptionPane) selected.getContent()).togglePause();
        }
    }

    private void subscribe() {
        String wanted = filter.getText().strip();
        if (wanted.isEmpty()) {
            session.error("type a topic filter or live query to watch");
            return;
        }
        SubscriptionPane pane = new SubscriptionPane(wanted, session);
        session.run("subscribe to " + wanted, () -> session.live().subscribe(wanted, pane::receive), live -> {
            pane.attach(live);
            Tab tab = new Tab(wanted, pane);
            tab.setId("tab-" + wanted);
            tab.setOnClosed(event -> pane.close());
            subscriptions.getTabs().add(tab);
            subscriptions.getSelectionModel().select(tab);
            filter.clear();
            session.info("watching " + wanted);
        }, pane::close);
    }

    private void closeAll() {
        subscriptions.getTabs().forEach(tab -> ((SubscriptionPane) tab.getContent()).close());
        subscriptions.getTabs().clear();
    }
}
