package pier.studio;

import java.nio.file.Path;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;

import pier.client.ServerAddress;

/**
 * Server URL ({@code http://} or {@code https://}), user, password and, for HTTPS and WSS, a certificate
 * file to trust; saved profiles to pick from and to save to (the password only when asked); the Connect
 * button and the link's state as a coloured dot and a line.
 */
final class ConnectionBar extends VBox {

    private final Session session;
    private final Profiles profiles;
    private final TextField url = new TextField();
    private final TextField user = new TextField();
    private final PasswordField password = new PasswordField();
    private final TextField certificate = new TextField();
    private final CheckBox remember = new CheckBox("remember password");
    private final ComboBox<Profiles.Profile> saved = new ComboBox<>();

    ConnectionBar(Session session, StudioOptions options) {
        super(6);
        this.session = session;
        this.profiles = new Profiles(options.profiles());
        url.setId("url");
        url.setPromptText("http://127.0.0.1:9926 or https://…");
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
        certificate.setId("certificate");
        certificate.setPromptText("certificate to trust for https (PEM), e.g. <data>/tls/pier-tls.pem");
        HBox.setHgrow(certificate, Priority.ALWAYS);
        remember.setId("rememberPassword");
        saved.setId("profiles");
        saved.setPromptText("profiles");
        saved.setOnAction(event -> load(saved.getValue()));
        Button connect = Controls.button("Connect", "connect", this::connect);
        connect.setDefaultButton(true);
        Button disconnect = Controls.button("Disconnect", "disconnect", session::disconnect);
        disconnect.disableProperty().bind(session.connectedProperty().not());
        Circle dot = new Circle(6);
        dot.fillProperty().bind(session.connectedProperty().map(up -> up ? Color.LIMEGREEN : Color.ORANGERED));
        Label status = new Label();
        status.setId("status");
        status.textProperty().bind(session.statusProperty());
        status.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(status, Priority.ALWAYS);
        HBox server = row(new Label("Server"), url, new Label("User"), user, new Label("Password"), password,
                connect, disconnect, dot, status);
        HBox trust = row(new Label("Profile"), saved, Controls.button("Save profile", "saveProfile", this::save),
                remember, new Label("Trusted certificate"), certificate,
                Controls.chooseFile(certificate, () -> "pier-tls.pem", false));
        getChildren().addAll(server, trust);
        setPadding(new Insets(8));
        showProfiles();
    }

    void connect() {
        try {
            ServerAddress address = ServerAddress.parse(url.getText(), user.getText(), password.getText());
            String trusted = certificate.getText().strip();
            session.connect(trusted.isEmpty() ? address : address.trusting(Path.of(trusted)));
        } catch (IllegalArgumentException e) {
            session.error(e.getMessage());
        }
    }

    private void save() {
        try {
            ServerAddress address = ServerAddress.parse(url.getText(), user.getText(), "");
            String name = (address.authenticated() ? address.user() + "@" : "") + address.http().getAuthority();
            profiles.save(new Profiles.Profile(name, address.http().toString(), address.user(),
                    certificate.getText().strip(), remember.isSelected() ? password.getText() : ""));
            showProfiles();
            session.info("saved profile " + name + " in " + profiles.file() + (remember.isSelected()
                    ? " (with its password, readable by you alone)" : " (without a password)"));
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            session.error(e.getMessage());
        }
    }

    private void load(Profiles.Profile profile) {
        if (profile == null) {
            return;
        }
        url.setText(profile.url());
        user.setText(profile.user());
        certificate.setText(profile.certificate());
        password.setText(profile.password());
        remember.setSelected(!profile.password().isEmpty());
    }

    private void showProfiles() {
        try {
            saved.getItems().setAll(profiles.load());
        } catch (java.io.UncheckedIOException e) {
            session.error(e.getMessage());
        }
    }

    private static HBox row(javafx.scene.Node... nodes) {
        HBox row = new HBox(8, nodes);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }
}
