package pier.store.mapdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

import pier.store.KeyRange;
import pier.store.Store;
import pier.store.StoreOptions;
import pier.store.WriteBatch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/** Checkpoints write what changed, space freed is used again, and the earlier layout is moved once. */
class MapDbCheckpointTest {

    private static final int RECORD = 2_000;

    @TempDir
    Path folder;

    @Test
    void aCheckpointWritesThePagesThatChangedNotTheStore() throws IOException {
        write(0, 5_000);
        long filePages = Files.size(folder.resolve("pier.mapdb")) / PageTable.PAGE_SIZE;
        try (Store store = open()) {
            store.commit(WriteBatch.builder().put("m", key(42), value(42, 7)).build()).join();
            store.close();
            assertThat(((MapDbStore) store).checkpointer().lastPages(), lessThan(16));
        }
        assertThat(filePages, greaterThan(2_500L));
        try (Store store = open()) {
            assertThat(Arrays.equals(store.get("m", key(42)).orElseThrow(), value(42, 7)), is(true));
            assertThat(store.scan("m", KeyRange.all()).count(), is(5_000L));
        }
    }

    @Test
    void underLoadCheckpointsRunBesideTheCommitsAndChangedPagesStayWithinTheCache() {
        // 4 MiB: a checkpoint is due every 1 MiB of changed pages
        try (Store store = new MapDbStoreProvider().open(folder, new StoreOptions(4L << 20))) {
            for (int batch = 0; batch < 100; batch++) {
                WriteBatch.Builder writes = WriteBatch.builder();
                for (int i = 0; i < 100; i++) {
                    writes.put("m", key(batch * 100 + i), value(batch * 100 + i, 0));
                }
                store.commit(writes.build()).join();
                // half the cache, and at most the pages of the one commit that crossed it: commits wait
                // for a running checkpoint only once they find the budget spent
                assertThat(((MapDbStore) store).changedBytes(), lessThan((2L << 20) + (256 << 10)));
            }
            assertThat(store.stats().checkpoints(), greaterThan(5L));
            assertThat(store.stats().checkpointPages(), greaterThan(2_500L));
            assertThat(Arrays.equals(store.get("m", key(4_321)).orElseThrow(), value(4_321, 0)), is(true));
        }
    }

    @Test
    void spaceFreedByUpdatesAndDeletesIsUsedAgain() throws IOException {
        write(0, 1_000);
        long once = Files.size(folder.resolve("pier.mapdb"));
        for (int round = 1; round <= 20; round++) {
            write(round, 1_000);
        }
        try (Store store = open()) {
            WriteBatch.Builder deletes = WriteBatch.builder();
            for (int i = 0; i < 1_000; i += 2) {
                deletes.delete("m", key(i));
            }
            store.commit(deletes.build()).join();
        }
        write(21, 500);
        long after = Files.size(folder.resolve("pier.mapdb"));
        assertThat("bytes after 21 rewrites of " + once, after, lessThan(once * 2));
        try (Store store = open()) {
            assertThat(Arrays.equals(store.get("m", key(503)).orElseThrow(), value(503, 20)), is(true));
            assertThat(Arrays.equals(store.get("m", key(4)).orElseThrow(), value(4, 21)), is(true));
            assertThat(store.get("m", key(502)).isPresent(), is(false));
        }
    }

    @Test
    void aFolderOfTheEarlierLayoutClosedCleanlyIsMovedOnce() throws IOException {
        earlierLayout();
        Files.writeString(folder.resolve("pier.clean"), "closed cleanly\n");
        try (Store store = open()) {
            assertThat(store.get("m", key(1)).orElseThrow()[0], is((byte) 1));
            store.commit(WriteBatch.builder().put("m", key(2), value(2, 0)).build()).join();
        }
        assertThat(Files.exists(folder.resolve("checkpoint")), is(false));
        assertThat(Files.exists(folder.resolve("pier.clean")), is(false));
        try (Store store = open()) {
            assertThat(store.scan("m", KeyRange.all()).count(), is(2L));
        }
    }

    @Test
    void aFolderOfTheEarlierLayoutLeftByACrashRestoresItsCheckpointAndReplaysItsJournal() throws IOException {
        earlierLayout();
        // what the earlier journal held after its checkpoint: a batch the checkpoint copy lacks
        try (Journal journal = Journal.open(folder)) {
            journal.append(java.util.List.of(WriteBatch.builder().put("m", key(9), value(9, 0)).build()));
        }
        Files.move(folder.resolve("pier.journal.1"), folder.resolve("pier.journal"));
        // a crash left the MapDB file itself broken
        Files.write(folder.resolve("pier.mapdb"), new byte[64]);
        try (Store store = open()) {
            assertThat(store.get("m", key(1)).orElseThrow()[0], is((byte) 1));
            assertThat(Arrays.equals(store.get("m", key(9)).orElseThrow(), value(9, 0)), is(true));
        }
    }

    // what the earlier release left: a MapDB file with its own log, a copy of it, the creation mark
    private void earlierLayout() throws IOException {
        Path file = folder.resolve("pier.mapdb");
        DB db = DBMaker.fileDB(file.toFile()).fileChannelEnable().transactionEnable().make();
        BTreeMap<byte[], byte[]> map = db.treeMap("m", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
        map.put(key(1), new byte[] {1});
        db.commit();
        db.close();
        Files.createDirectory(folder.resolve("checkpoint"));
        Files.copy(file, folder.resolve("checkpoint/pier.mapdb"));
        Files.writeString(folder.resolve("pier.mapdb.created"), "created by Pier\n");
    }

    private void write(int round, int count) {
        try (Store store = open()) {
            for (int from = 0; from < count; from += 500) {
                WriteBatch.Builder batch = WriteBatch.builder();
                for (int i = from; i < Math.min(count, from + 500); i++) {
                    batch.put("m", key(i), value(i, round));
                }
                store.commit(batch.build()).join();
            }
        }
    }

    private Store open() {
        return new MapDbStoreProvider().open(folder, StoreOptions.DEFAULT);
    }

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] value(int i, int round) {
        byte[] value = new byte[RECORD + (i + round) % 100];
        Arrays.fill(value, (byte) (i + round));
        return value;
    }
}
