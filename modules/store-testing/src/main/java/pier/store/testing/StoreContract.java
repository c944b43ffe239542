package pier.store.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.store.KeyRange;
import pier.store.Store;
import pier.store.StoreEntry;
import pier.store.StoreException;
import pier.store.StoreStats;
import pier.store.WriteBatch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The behaviour every {@link Store} must have, on real files in a temporary folder. Each backend's test
 * extends it and says how to open its store.
 */
public abstract class StoreContract {

    /** Writers in the grouping test, as in the measure. */
    protected static final int WRITERS = 32;

    @TempDir
    protected Path folder;

    /**
     * Opens (or reopens) the backend's store in a folder.
     *
     * @param directory the data folder
     * @return the open store
     */
    protected abstract Store open(Path directory);

    @Test
    void readsWhatWasCommitted() {
        try (Store store = open(folder)) {
            commit(store, WriteBatch.builder().put("dogs", key("7"), key("Rex")).build());
            assertThat(text(store.get("dogs", key("7")).orElseThrow()), is("Rex"));
            assertThat(store.get("dogs", key("8")).isPresent(), is(false));
            assertThat(store.get("cats", key("7")).isPresent(), is(false));
        }
    }

    @Test
    void deletesAndOverwrites() {
        try (Store store = open(folder)) {
            commit(store, WriteBatch.builder().put("m", key("a"), key("1")).put("m", key("b"), key("2")).build());
            commit(store, WriteBatch.builder().put("m", key("a"), key("3")).delete("m", key("b"))
                    .delete("m", key("never")).build());
            assertThat(keysAndValues(store.scan("m", KeyRange.all())), contains("a=3"));
        }
    }

    @Test
    void appliesTheWritesOfABatchInOrderAcrossMaps() {
        try (Store store = open(folder)) {
            commit(store, WriteBatch.builder().put("records", key("1"), key("v1")).put("feed", key("0001"), key("1"))
                    .delete("records", key("1")).put("records", key("1"), key("v2")).build());
            assertThat(text(store.get("records", key("1")).orElseThrow()), is("v2"));
            assertThat(text(store.get("feed", key("0001")).orElseThrow()), is("1"));
        }
    }

    @Test
    void scansInUnsignedKeyOrderWithinRanges() {
        try (Store store = open(folder)) {
            WriteBatch.Builder batch = WriteBatch.builder();
            for (byte[] k : List.of(bytes(0x80), bytes(0x01), bytes(0xff, 0x00), bytes(0x01, 0x00), bytes(0x7f),
                    bytes(0xff), bytes())) {
                batch.put("m", k, bytes(k.length));
            }
            commit(store, batch.build());
            assertThat(hexKeys(store.scan("m", KeyRange.all())), contains("", "01", "0100", "7f", "80", "ff", "ff00"));
            assertThat(hexKeys(store.scan("m", KeyRange.between(bytes(0x01, 0x00), bytes(0xff)))),
                    contains("0100", "7f", "80"));
            assertThat(hexKeys(store.scan("m", KeyRange.atLeast(bytes(0x80)))), contains("80", "ff", "ff00"));
            assertThat(hexKeys(store.scan("m", KeyRange.prefix(bytes(0xff)))), contains("ff", "ff00"));
            assertThat(hexKeys(store.scan("m", KeyRange.prefix(bytes(0x01)))), contains("01", "0100"));
            assertThat(hexKeys(store.scanDescending("m", KeyRange.prefix(bytes()))),
                    contains("ff00", "ff", "80", "7f", "0100", "01", ""));
            assertThat(hexKeys(store.scan("empty", KeyRange.all())), is(empty()));
        }
    }

    @Test
    void keysAndValuesAreCopies() {
        try (Store store = open(folder)) {
            byte[] k = key("k");
            byte[] v = key("value");
            WriteBatch batch = WriteBatch.builder().put("m", k, v).build();
            k[0] = 'x';
            v[0] = 'x';
            commit(store, batch);
            store.get("m", key("k")).orElseThrow()[0] = 'y';
            assertThat(text(store.get("m", key("k")).orElseThrow()), is("value"));
        }
    }

    @Test
    void keepsLargeValuesAndEmptyOnes() {
        byte[] large = new byte[3 << 20];
        Arrays.fill(large, (byte) 0x5a);
        try (Store store = open(folder)) {
            commit(store, WriteBatch.builder().put("m", key("large"), large).put("m", key("empty"), bytes()).build());
        }
        try (Store store = open(folder)) {
            assertThat(Arrays.equals(store.get("m", key("large")).orElseThrow(), large), is(true));
            assertThat(store.get("m", key("empty")).orElseThrow().length, is(0));
        }
    }

    @Test
    void committedDataSurvivesReopening() {
        try (Store store = open(folder)) {
            commit(store, WriteBatch.builder().put("a", key("1"), key("one")).put("b", key("2"), key("two")).build());
        }
        try (Store store = open(folder)) {
            assertThat(text(store.get("a", key("1")).orElseThrow()), is("one"));
            assertThat(keysAndValues(store.scan("b", KeyRange.all())), contains("2=two"));
        }
    }

    @Test
    void groupsConcurrentWritersIntoFewCommits() throws Exception {
        int perWriter = 100;
        StoreStats stats;
        try (Store store = open(folder); ExecutorService writers = Executors.newFixedThreadPool(WRITERS)) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                done.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        commit(store, WriteBatch.builder().put("m", key(writer + "/" + i), key("v" + i)).build());
                    }
                }, writers));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
            stats = store.stats();
        }
        assertThat(stats.batches(), is((long) WRITERS * perWriter));
        assertThat(stats.commits(), lessThan(stats.batches() / 4));
        try (Store store = open(folder)) {
            assertThat(store.scan("m", KeyRange.all()).count(), is((long) WRITERS * perWriter));
        }
    }

    @Test
    void refusesBatchesAfterClosing() {
        Store store = open(folder);
        store.close();
        CompletionException e = assertThrows(CompletionException.class,
                () -> store.commit(WriteBatch.builder().put("m", key("k"), key("v")).build()).join());
        assertThat(e.getCause(), instanceOf(StoreException.class));
        assertThat(((StoreException) e.getCause()).kind(), is(StoreException.Kind.CLOSED));
    }

    @Test
    void anEmptyBatchCommits() {
        try (Store store = open(folder)) {
            commit(store, WriteBatch.builder().build());
            assertThat(store.stats().batches(), is(1L));
        }
    }

    /**
     * Commits and waits until durable.
     *
     * @param store the store
     * @param batch the batch
     */
    protected static void commit(Store store, WriteBatch batch) {
        store.commit(batch).join();
    }

    /**
     * UTF-8 bytes of a string.
     *
     * @param text the string
     * @return its bytes
     */
    protected static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A string from UTF-8 bytes.
     *
     * @param bytes the bytes
     * @return the string
     */
    protected static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static List<String> keysAndValues(Stream<StoreEntry> entries) {
        return entries.map(e -> text(e.key()) + "=" + text(e.value())).toList();
    }

    private static List<String> hexKeys(Stream<StoreEntry> entries) {
        return entries.map(e -> java.util.HexFormat.of().formatHex(e.key())).toList();
    }
}
