package pier.store.mapdb;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import pier.store.KeyRange;
import pier.store.Store;
import pier.store.StoreEntry;
import pier.store.StoreException;
import pier.store.StoreOptions;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A writer process under load, killed with SIGKILL at a different moment each time: every acknowledged
 * batch must survive, whole, and the B-trees must read back by scan and by key.
 */
class MapDbCrashTest {

    @TempDir
    Path folder;

    /** How many kills the suite makes; a soak run raises it: {@code -Dpier.crashRuns=200}. */
    static IntStream kills() {
        return IntStream.rangeClosed(1, Integer.getInteger("pier.crashRuns", 5));
    }

    // a store broken by a crash can make MapDB loop forever; fail instead of hanging the build
    @ParameterizedTest(name = "kill {0}")
    @MethodSource("kills")
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyAcknowledgedWriteSurvivesKillNine(int kill) throws Exception {
        List<String> output;
        // every other run checkpoints every 200 KB of journal, so that kills land during checkpoints too
        List<String> jvm = kill % 2 == 0 ? List.of("-Dpier.mapdb.checkpointBytes=200000") : List.of();
        try (ChildProcess writer = ChildProcess.start(List.of(), jvm, CrashWriter.class, folder.toString())) {
            // kill at a moment that differs run to run, somewhere in the middle of the load
            int killAfter = 500 + (int) (System.nanoTime() % 2000);
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.lines().size() > killAfter);
            output = writer.kill();
        }
        List<int[]> acks = output.stream().filter(line -> line.startsWith("ack "))
                .map(line -> Arrays.stream(line.substring(4).split(" ")).mapToInt(Integer::parseInt).toArray())
                .toList();
        assertThat(acks.size(), greaterThan(500));
        Map<Integer, Integer> lastAck = new HashMap<>();
        acks.forEach(ack -> lastAck.merge(ack[0], ack[1], Math::max));
        try (Store store = new MapDbStoreProvider().open(folder, StoreOptions.DEFAULT)) {
            lastAck.forEach((writer, n) -> assertWriterSurvived(store, writer, n));
            assertEveryEntryIsWholeAndTwinned(store);
        }
    }

    // batches after the last acknowledged one may be there too (durable, their answer lost in the kill):
    // the writer's last key says which is the newest, and keys it deleted may be gone
    private static void assertWriterSurvived(Store store, int writer, int lastAcked) {
        int newest = Integer.parseInt(new String(store.get(CrashWriter.MAP,
                CrashWriter.bytes(CrashWriter.last(writer))).orElseThrow(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat("the newest batch is older than one acknowledged", newest, greaterThanOrEqualTo(lastAcked));
        for (int n = Math.max(0, newest - CrashWriter.KEPT + 1); n <= lastAcked; n++) {
            byte[] stored = store.get(CrashWriter.MAP, CrashWriter.bytes(CrashWriter.key(writer, n))).orElseThrow(
                    () -> new AssertionError("acknowledged batch lost"));
            assertThat(Arrays.equals(stored, CrashWriter.value(writer, n)), is(true));
        }
        for (int n = 0; n <= lastAcked - CrashWriter.KEPT; n++) {
            assertThat("deleted by an acknowledged batch", store.get(CrashWriter.MAP,
                    CrashWriter.bytes(CrashWriter.key(writer, n))).isPresent(), is(false));
        }
    }

    @Test
    void aStoreInUseByAnotherProcessIsRefused() throws Exception {
        try (ChildProcess writer = ChildProcess.start(List.of(), List.of(), CrashWriter.class, folder.toString())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.lines().contains("open"));
            StoreException e = assertThrows(StoreException.class, () -> new MapDbStoreProvider().open(folder, StoreOptions.DEFAULT));
            assertThat(e.kind(), is(StoreException.Kind.CANNOT_OPEN));
            assertThat(e.getMessage(), containsString(folder.resolve("pier.mapdb").toString()));
            assertThat(e.getMessage(), containsString("locked by another process"));
            writer.kill();
        }
    }

    @Test
    void aFullDiskStopsTheOpeningWithTheFileAndTheReason() throws Exception {
        // a 32 KiB tmpfs in a private mount namespace, gone with the child process
        Path small = folder.resolve("small");
        java.nio.file.Files.createDirectories(small);
        List<String> shell = List.of("unshare", "-m", "sh", "-c",
                "mount -t tmpfs -o size=32k tmpfs \"$0\" && exec \"$@\"", small.toString());
        try (ChildProcess opener = ChildProcess.start(shell, List.of(), StoreOpener.class,
                small.resolve("data").toString())) {
            List<String> output = opener.awaitEnd();
            assertThat(output, hasItem(containsString("cannot open store " + small.resolve("data/pier.mapdb"))));
            assertThat(output, hasItem(containsString("No space left on device")));
        }
    }

    private static void assertEveryEntryIsWholeAndTwinned(Store store) {
        for (StoreEntry entry : store.scan(CrashWriter.MAP, KeyRange.all()).toList()) {
            String[] parts = new String(entry.key(), java.nio.charset.StandardCharsets.UTF_8).split("/");
            if (parts[1].equals("last")) {
                continue;
            }
            byte[] expected = CrashWriter.value(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            assertThat(Arrays.equals(entry.value(), expected), is(true));
            String twin = parts.length == 2 ? parts[0] + "/" + parts[1] + "/twin" : parts[0] + "/" + parts[1];
            assertThat("twin of " + String.join("/", parts), store.get(CrashWriter.MAP,
                    CrashWriter.bytes(twin)).isPresent(), is(true));
        }
    }
}
