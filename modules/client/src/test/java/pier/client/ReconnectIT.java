package pier.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.server.ServerProcess;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;

/** Links come back by themselves when the server restarts, and subscriptions with them. */
class ReconnectIT {

    @TempDir
    Path folder;

    @Test
    void subscriptionsResumeAfterTheServerRestarts() throws Exception {
        String[] args = {"--http-port", String.valueOf(ServerProcess.freePort()),
                "--mqtt-port", String.valueOf(ServerProcess.freePort()), "--data", folder.toString()};
        Map<String, String> environment = Map.of("PIER_ADMIN_PASSWORD", "s3cret");
        List<LiveConnection.State> states = new CopyOnWriteArrayList<>();
        List<String> topics = new CopyOnWriteArrayList<>();
        ServerProcess first = ServerProcess.start(environment, args);
        ServerAddress address = ServerAddress.parse("127.0.0.1:" + first.awaitReady(), "admin", "s3cret");
        try (LiveConnection live = LiveConnection.open(address, Format.JSON, (state, why) -> states.add(state));
             LiveSubscription dogs = live.subscribe("Dog/#", message -> topics.add(message.topic()));
             PierClient rest = PierClient.of(address)) {
            first.terminate();
            first.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> states.contains(LiveConnection.State.RECONNECTING));
            try (ServerProcess second = ServerProcess.start(environment, args)) {
                second.awaitReady();
                await().atMost(Duration.ofSeconds(30)).until(live::isConnected);
                // the subscription's own link may come back a moment later: write until it hears
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    rest.put("Dog", "back", new ObjectMapper().readTree("{\"name\":\"Back\"}"), null);
                    return topics.contains("Dog/back");
                });
                assertThat(states, hasItem(LiveConnection.State.CONNECTED));
            }
        }
    }
}
