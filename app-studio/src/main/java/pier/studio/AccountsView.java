package pier.studio;

import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * Users and roles, for super users: the server's {@code /$users} and {@code /$roles} resources read and
 * written like any table. A user is a name, a password (only sent, never shown) and roles; a role is
 * edited as its JSON ({@code tables}, {@code topics}, {@code superUser}).
 */
final class AccountsView extends SplitPane {

    private static final String USERS = "$users";
    private static final String ROLES = "$roles";

    private final Session session;
    private final ListView<JsonNode> users = new ListView<>();
    private final ListView<JsonNode> roles = new ListView<>();
    private final TextField userName = new TextField();
    private final PasswordField userPassword = new PasswordField();
    private final TextField userRoles = new TextField();
    private final TextField roleName = new TextField();
    private final TextArea roleBody = new TextArea();

    AccountsView(Session session) {
        this.session = session;
        users.setId("users");
        users.setCellFactory(Controls.cells(user -> user.path("name").asText() + "  —  " + names(user.path("roles"))));
        users.getSelectionModel().selectedItemProperty().addListener((seen, was, user) -> {
            if (user != null) {
                userName.setText(user.path("name").asText());
                userPassword.clear();
                userRoles.setText(names(user.path("roles")));
            }
        });
        roles.setId("roles");
        roles.setCellFactory(Controls.cells(role -> role.path("name").asText()
                + (role.path("superUser").asBoolean() ? "  (super user)" : "")));
        roles.getSelectionModel().selectedItemProperty().addListener((seen, was, role) -> {
            if (role != null) {
                roleName.setText(role.path("name").asText());
                ObjectNode shown = role.deepCopy();
                shown.remove("name");
                roleBody.setText(shown.toPrettyString());
            }
        });
        userName.setId("userName");
        userPassword.setId("userPassword");
        userPassword.setPromptText("new password (empty: keep)");
        userRoles.setId("userRoles");
        userRoles.setPromptText("roles, comma separated");
        roleName.setId("roleName");
        roleBody.setId("roleBody");
        roleBody.setPromptText("{\"tables\": {\"Dog\": [\"read\"]}, \"topics\": [{\"filter\": \"sensors/#\", \"subscribe\": true}]}");
        roleBody.setStyle("-fx-font-family: monospace");
        getItems().addAll(usersPane(), rolesPane());
        session.connectedProperty().addListener((seen, was, up) -> {
            if (up) {
                reload();
            }
        });
    }

    void reload() {
        session.run("list the users", () -> session.rest().query(USERS, ""), users.getItems()::setAll);
        session.run("list the roles", () -> session.rest().query(ROLES, ""), roles.getItems()::setAll);
    }

    private VBox usersPane() {
        GridPane form = new GridPane(6, 6);
        form.addRow(0, new Label("Name"), userName);
        form.addRow(1, new Label("Password"), userPassword);
        form.addRow(2, new Label("Roles"), userRoles);
        GridPane.setHgrow(userName, Priority.ALWAYS);
        HBox actions = new HBox(6, Controls.button("Save user", "saveUser", this::saveUser),
                Controls.button("Delete user", "deleteUser", this::deleteUser), Controls.button("Reload", "reloadAccounts", this::reload));
        VBox pane = new VBox(6, new Label("Users"), users, form, actions);
        VBox.setVgrow(users, Priority.ALWAYS);
        pane.setPadding(new Insets(6));
        return pane;
    }

    private VBox rolesPane() {
        HBox name = new HBox(6, new Label("Name"), roleName);
        HBox.setHgrow(roleName, Priority.ALWAYS);
        HBox actions = new HBox(6, Controls.button("Save role", "saveRole", this::saveRole),
                Controls.button("Delete role", "deleteRole", this::deleteRole));
        VBox pane = new VBox(6, new Label("Roles"), roles, name, roleBody, actions);
        VBox.setVgrow(roles, Priority.ALWAYS);
        pane.setPadding(new Insets(6));
        return pane;
    }

    private void saveUser() {
        String name = userName.getText().strip();
        if (name.isEmpty()) {
            session.error("a user needs a name");
            return;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (!userPassword.getText().isEmpty()) {
            body.put("password", userPassword.getText());
        }
        List<String> wanted = Arrays.stream(userRoles.getText().split(",")).map(String::strip)
                .filter(role -> !role.isEmpty()).toList();
        wanted.forEach(body.putArray("roles")::add);
        session.run("save user " + name, () -> session.rest().put(USERS, name, body, null), saved -> {
            userPassword.clear();
            session.info("saved user " + name);
            reload();
        });
    }

    private void deleteUser() {
        String name = userName.getText().strip();
        session.run("delete user " + name, () -> {
            session.rest().delete(USERS, name, null);
            return name;
        }, deleted -> {
            session.info("deleted user " + deleted);
            reload();
        });
    }

    private void saveRole() {
        String name = roleName.getText().strip();
        JsonNode body;
        try {
            body = roleBody.getText().isBlank() ? JsonNodeFactory.instance.objectNode() : JsonText.parse(roleBody.getText());
        } catch (IllegalArgumentException e) {
            session.error("the role is " + e.getMessage());
            return;
        }
        session.run("save role " + name, () -> session.rest().put(ROLES, name, body, null), saved -> {
            session.info("saved role " + name);
            reload();
        });
    }

    private void deleteRole() {
        String name = roleName.getText().strip();
        session.run("delete role " + name, () -> {
            session.rest().delete(ROLES, name, null);
            return name;
        }, deleted -> {
            session.info("deleted role " + deleted);
            reload();
        });
    }

    private static String names(JsonNode array) {
        StringBuilder text = new StringBuilder();
        array.forEach(name -> text.append(text.isEmpty() ? "" : ", ").append(name.asText()));
        return text.toString();
    }
}
