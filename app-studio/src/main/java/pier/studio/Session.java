package pier.studio;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import pier.client.ClientException;
import pier.client.Format;
import pier.client.LiveConnection;
import pier.client.PierClient;
import pier.client.ServerAddress;
import pier.client.TableInfo;

/**
 * The studio's link to one server: the REST client, the MQTT connection, the table list, the link's state
 * and the last notice shown to the person. Network calls run on virtual threads; their results and every
 * property change happen on the JavaFX thread.
 */
final class Session {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final ReadOnlyBooleanWrapper connected = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("not connected");
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper noticeIsError = new ReadOnlyBooleanWrapper(false);
    private final ObservableList<TableInfo> tables = FXCollections.observableArrayList();
    private final List<Runnable> disconnectListeners = new ArrayList<>();
    private volatile PierClient rest;
    private volatile LiveConnection live;

    /** Connects both protocols, then lists the tables; failures become an error notice. */
    void connect(ServerAddress address) {
        disconnect();
        status.set("connecting to " + address + " …");
        run("connect", () -> {
            PierClient client = PierClient.of(address);
            List<TableInfo> listed = client.tables();
            LiveConnection opened = LiveConnection.open(address, Format.CBOR,
                    (state, why) -> Platform.runLater(() -> linkChanged(state, why)));
            return new Connected(client, opened, listed);
        }, done -> {
            rest = done.client();
            live = done.live();
            tables.setAll(done.tables());
            connected.set(true);
            status.set("connected to " + address);
            info("connected to " + address + ": " + done.tables().size() + " tables");
        }, () -> status.set("not connected"));
    }

    /** Runs {@code listener} when the person disconnects (not when the link drops and comes back by itself). */
    void onDisconnect(Runnable listener) {
        disconnectListeners.add(listener);
    }

    void disconnect() {
        disconnectListeners.forEach(Runnable::run);
        LiveConnection closing = live;
        PierClient client = rest;
        live = null;
        rest = null;
        connected.set(false);
        tables.clear();
        if (closing != null) {
            Thread.ofVirtual().start(closing::close);
        }
        if (client != null) {
            client.close();
        }
        status.set("not connected");
    }

    /** Lists the tables again, for instance after the schema changed. */
    void refreshTables() {
        run("list the tables", () -> rest().tables(), tables::setAll);
    }

    /**
     * Runs network work off the JavaFX thread and hands its result back on it.
     *
     * @param what names the action in an error notice ("cannot save Dog/7: …")
     */
    <T> void run(String what, Callable<T> work, Consumer<T> then) {
        run(what, work, then, () -> { });
    }

    /** As {@link #run(String, Callable, Consumer)}, with {@code failed} run on the JavaFX thread after an error. */
    <T> void run(String what, Callable<T> work, Consumer<T> then, Runnable failed) {
        Thread.ofVirtual().name("studio-" + what).start(() -> {
            try {
                T result = work.call();
                Platform.runLater(() -> then.accept(result));
            } catch (Exception e) {
                String message = e instanceof ClientException || e instanceof IllegalArgumentException
                        || e instanceof IllegalStateException ? e.getMessage() : "cannot " + what + ": " + e;
                Platform.runLater(() -> {
                    error(message);
                    failed.run();
                });
            }
        });
    }

    PierClient rest() {
        PierClient client = rest;
        if (client == null) {
            throw new IllegalStateException("not connected: connect to a server first");
        }
        return client;
    }

    LiveConnection live() {
        LiveConnection connection = live;
        if (connection == null) {
            throw new IllegalStateException("not connected: connect to a server first");
        }
        return connection;
    }

    void info(String text) {
        noticeIsError.set(false);
        notice.set(LocalTime.now().format(CLOCK) + "  " + text);
    }

    void error(String text) {
        noticeIsError.set(true);
        notice.set(LocalTime.now().format(CLOCK) + "  " + text);
    }

    ObservableList<TableInfo> tables() {
        return tables;
    }

    ReadOnlyBooleanProperty connectedProperty() {
        return connected.getReadOnlyProperty();
    }

    ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    ReadOnlyStringProperty noticeProperty() {
        return notice.getReadOnlyProperty();
    }

    ReadOnlyBooleanProperty noticeIsErrorProperty() {
        return noticeIsError.getReadOnlyProperty();
    }

    private void linkChanged(LiveConnection.State state, String why) {
        if (live == null) {
            return;  // the first CONNECTED comes before the session holds the link; a CLOSED after it let go
        }
        status.set(why);
        connected.set(state == LiveConnection.State.CONNECTED);
        if (state == LiveConnection.State.CONNECTED && why.startsWith("reconnected")) {
            refreshTables();
        }
    }

    private record Connected(PierClient client, LiveConnection live, List<TableInfo> tables) {
    }
}
