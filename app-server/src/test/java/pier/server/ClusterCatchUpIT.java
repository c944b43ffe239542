package pier.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * Writes go on while NATS is down and ship when it is back. A node away for longer than the cluster's log
 * keeps changes (three seconds here), and unable to reach NATS for part of it, comes back: it merges a
 * peer's snapshot — the rows only it holds stay, the writes it made while it could not reach NATS ship,
 * and what the cluster deleted meanwhile is gone — and a new empty node starts from a snapshot too.
 */
class ClusterCatchUpIT {

    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final String RETENTION = "PT3S";

    @TempDir
    Path folder;

    @Test
    void aNodeAwayPastTheLogsRetentionMergesASnapshotAndKeepsWhatOnlyItHeld() throws Exception {
        List<ClusterNode> started = new java.util.ArrayList<>();
        try (NatsServers nats = NatsServers.start(folder, 1)) {
            ClusterNode a = node(started, "a", nats.urls());
            ClusterNode c = node(started, "c", nats.urls());
            for (int i = 1; i <= 10; i++) {
                a.rest().putJson("/Dog/shared-" + i, "{\"name\":\"first\",\"age\":" + i + "}");
            }
            await().atMost(CONVERGE).until(() -> c.dump("Dog").size() == 10);

            // NATS goes away (kill -9): writes go on, and ship when it is back
            NatsServers.Server only = nats.servers().getFirst();
            nats.kill(only);
            for (int i = 1; i <= 5; i++) {
                assertThat(a.rest().putJson("/Dog/outage-" + i, "{\"name\":\"a\",\"age\":" + i + "}")
                        .statusCode() / 100, is(2));
            }
            nats.restart(only);
            try {
                await().atMost(CONVERGE).until(() -> c.dump("Dog").keySet().containsAll(List.of("outage-1", "outage-5")));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // what the two nodes said about NATS going and coming back is what tells why
                throw new AssertionError("writes made during the outage did not reach c\n--- a:\n"
                        + String.join("\n", clusterLines(a)) + "\n--- c:\n"
                        + String.join("\n", clusterLines(c)) + "\n--- nats:\n" + nats.logTail(only, 12), e);
            }
            c.kill();
            long lastSeen = lastInLog(nats);

            // c comes back unable to reach NATS: it serves, and keeps what it writes
            ClusterNode away = node(started, "c", "nats://127.0.0.1:" + ServerProcess.freePort());
            for (int i = 1; i <= 5; i++) {
                away.rest().putJson("/Dog/only-c-" + i, "{\"name\":\"c\",\"age\":" + i + "}");
            }
            // meanwhile the cluster deletes, changes and adds, and its log forgets what c missed
            assertThat(a.rest().send(a.rest().request("/Dog/shared-1").DELETE()).statusCode() / 100, is(2));
            a.rest().putJson("/Dog/shared-2", "{\"name\":\"second\",\"age\":2}");
            a.rest().putJson("/Dog/a-new", "{\"name\":\"a\",\"age\":1}");
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).until(() -> {
                a.rest().putJson("/Dog/a-late", "{\"name\":\"a\",\"age\":" + System.nanoTime() % 1000 + "}");
                return firstInLog(nats) > lastSeen + 1;
            });
            // a node that never reached NATS still stops in order (SIGTERM, status 0), keeping what it wrote
            away.stop();

            ClusterNode back = node(started, "c", nats.urls());
            Map<String, JsonNode> converged = awaitSame(a, back);
            assertThat(converged, not(hasKey("shared-1")));
            assertThat(converged.get("shared-2").get("name").asText(), is("second"));
            assertThat(converged, hasKey("a-new"));
            for (int i = 1; i <= 5; i++) {
                assertThat(converged, hasKey("only-c-" + i));
            }
            awaitLogged(back, "merged the snapshot of node a");

            // a new node, with nothing, after the log forgot its start
            ClusterNode fresh = node(started, "d", nats.urls());
            assertThat(awaitSame(a, fresh).size(), greaterThan(15));
            awaitLogged(fresh, "merged the snapshot of node");
        } finally {
            for (ClusterNode node : started) {
                node.close();
            }
        }
    }

    // a node on its own folder (the same id, the same folder, when it comes back), stopped by the test
    private ClusterNode node(List<ClusterNode> started, String id, String natsUrls) throws java.io.IOException {
        ClusterNode node = new ClusterNode(id, folder.resolve(id), natsUrls, 1, "--cluster-retention", RETENTION);
        started.add(node);
        return node.start();
    }

    // logged once the snapshot's position is kept, a moment after its records
    private static void awaitLogged(ClusterNode node, String text) {
        await().atMost(CONVERGE).until(() -> node.process().stderr().stream().anyMatch(line -> line.contains(text)));
    }

    private static Map<String, JsonNode> awaitSame(ClusterNode one, ClusterNode other) {
        Map<String, JsonNode>[] dump = new Map[1];
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).until(() -> {
            dump[0] = one.dump("Dog");
            return dump[0].equals(other.dump("Dog"));
        });
        return dump[0];
    }

    // what a node said of the cluster, at every level
    private static List<String> clusterLines(ClusterNode node) {
        return node.process().stderr().stream().filter(line -> line.contains("cluster")).toList();
    }

    private static long lastInLog(NatsServers nats) throws Exception {
        try (Connection look = nats.connect()) {
            return look.jetStreamManagement().getStreamInfo("PIER_CHANGES").getStreamState().getLastSequence();
        }
    }

    private static long firstInLog(NatsServers nats) throws Exception {
        try (Connection look = nats.connect()) {
            return look.jetStreamManagement().getStreamInfo("PIER_CHANGES").getStreamState().getFirstSequence();
        }
    }
}
