package pier.studio;

import com.fasterxml.jackson.databind.JsonNode;

import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import pier.client.ClientException;
import pier.client.Format;
import pier.client.PierClient;
import pier.client.ServerAddress;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Users and roles managed from the studio, then used by a client logging in as the new user. */
class AccountsIT extends StudioTestBase {

    @Test
    void aRoleAndAUserMadeInTheStudioWorkAtOnce(FxRobot robot) {
        robot.clickOn("#tabUsers");
        ListView<JsonNode> users = robot.lookup("#users").queryListView();
        ListView<JsonNode> roles = robot.lookup("#roles").queryListView();
        await().atMost(PATIENCE).until(() -> names(users).contains("admin") && names(roles).contains("admin"));

        robot.clickOn("#roleName").write("reader");
        robot.interact(() -> robot.lookup("#roleBody").queryAs(TextArea.class)
                .setText("{\"tables\": {\"Dog\": [\"read\"]}}"));
        robot.clickOn("#saveRole");
        await().atMost(PATIENCE).until(() -> names(roles).contains("reader"));

        robot.clickOn("#userName").write("ann");
        robot.clickOn("#userPassword").write("pw-ann");
        robot.clickOn("#userRoles").write("reader");
        robot.clickOn("#saveUser");
        await().atMost(PATIENCE).until(() -> names(users).contains("ann"));

        try (PierClient ann = PierClient.of(ServerAddress.parse(address.http().toString(), "ann", "pw-ann"))) {
            assertThat(ann.get("Dog", "1", Format.JSON).value().get("name").asText(), is("Rex"));
            assertThat(assertThrows(ClientException.class, () -> ann.put("Dog", "1", JSON.createObjectNode()
                    .put("name", "mine"), null)).status(), is(403));
        }

        robot.clickOn("#deleteUser");
        await().atMost(PATIENCE).until(() -> !names(users).contains("ann"));
        try (PierClient gone = PierClient.of(ServerAddress.parse(address.http().toString(), "ann", "pw-ann"))) {
            assertThat(assertThrows(ClientException.class, gone::tables).status(), is(401));
        }
    }

    private static java.util.List<String> names(ListView<JsonNode> list) {
        return list.getItems().stream().map(item -> item.path("name").asText()).toList();
    }
}
