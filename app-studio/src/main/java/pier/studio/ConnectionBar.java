package pier.studio;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;

import pier.client.ServerAddress;

/** Server URL, user and password, the Connect button and the link's state as a coloured dot and a line. */
final class ConnectionBar extends HBox {

    private final Session session;
    private final TextField url = new TextField();
    private final TextField user = new TextField();
    private final PasswordField password = new PasswordField();

    ConnectionBar(Session session, StudioOptions options) {
        super(8);
        this.session = session;
        url.setId("url");
        url.setPromptText("http://127.0.0.1:9926");
        url.setText(options.url());
        url.setPrefColumnCount(22);
        user.setId("user");
        user.setPromptText("user");
        user.setText(options.user());
        user.setPrefColumnCount(8);
        password.setId("password");
        password.setPromptText("password");
        password.setText(options.password());
        password.setPrefColumnCount(8);
        Button connect = new Button("Connect");
        connect.setId("connect");
        connect.setDefaultButton(true);
        connect.setOnAction(event -> connect());
        Button disconnect = new Button("Disconnect");
        disconnect.setId("disconnect");
        disconnect.setOnAction(event -> session.disconnect());
        disconnect.disableProperty().bind(session.connectedProperty().not());
        Circle dot = new Circle(6);
        dot.fillProperty().bind(session.connectedProperty().map(up -> up ? Color.LIMEGREEN : Color.ORANGERED));
        Label status = new Label();
        status.setId("status");
        status.textProperty().bind(session.statusProperty());
        status.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(status, Priority.ALWAYS);
        getChildren().addAll(new Label("Server"), url, new Label("User"), user, new Label("Password"), password,
                connect, disconnect, dot, status);
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(8));
    }

    void connect() {
        try {
            session.connect(ServerAddress.parse(url.getText(), user.getText(), password.getText()));
        } catch (IllegalArgumentException e) {
            session.error(e.getMessage());
        }
    }
}
