package pier.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.store.KeyRange;
import pier.store.Store;
import pier.store.Stores;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BackupTest {

    private static final String SCHEMA = "type Dog @table @export { id: ID @primaryKey  n: Int @indexed  by: Int }";

    @TempDir
    Path folder;

    @Test
    void aBackupTakenWhileFourWritersWriteRestoresExactlyTheStateAtItsPosition() throws Exception {
        ByteArrayOutputStream backup = new ByteArrayOutputStream();
        long position;
        Map<String, JsonNode> expected;
        try (TestDatabase db = new TestDatabase(folder.resolve("original"), SCHEMA)) {
            Resource dogs = db.table("Dog");
            for (int i = 0; i < 5_000; i++) {
                dogs.put(write("d" + i, i, -1));
            }
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch writing = new CountDownLatch(4);
            ExecutorService writers = Executors.newFixedThreadPool(4);
            try {
                Future<?>[] running = new Future<?>[4];
                for (int w = 0; w < 4; w++) {
                    int writer = w;
                    running[w] = writers.submit(() -> {
                        for (int n = 0; !stop.get(); n++) {
                            String id = "d" + ThreadLocalRandom.current().nextInt(6_000);
                            if (n % 5 == 4) {
                                dogs.delete(Request.of(Principal.ANONYMOUS, id));
                            } else {
                                dogs.put(write(id, n, writer));
                            }
                            if (n == 100) {
                                writing.countDown();
                            }
                        }
                        return null;
                    });
                }
                writing.await();
                position = Backup.write(db.database, backup);
                stop.set(true);
                for (Future<?> writer : running) {
                    writer.get();
                }
            } finally {
                writers.shutdownNow();
            }
            assertThat(position, greaterThan(5_000L));
            expected = stateAt(db, position);
        }
        try (Store restored = Stores.open("mapdb", folder.resolve("restored"), pier.store.StoreOptions.DEFAULT)) {
            assertThat(Backup.restore(new ByteArrayInputStream(backup.toByteArray()), restored), is(position));
        }
        try (TestDatabase db = new TestDatabase(folder.resolve("restored"), SCHEMA)) {
            Map<String, JsonNode> actual = new HashMap<>();
            try (var records = db.table("Dog").list(Request.of(Principal.ANONYMOUS, null)).records()) {
                records.forEach(record -> actual.put(record.id(), record.value()));
            }
            assertThat(actual.size(), is(expected.size()));
            assertThat(actual.equals(expected), is(true));
            assertThat(db.database.sequencer().count(db.database.table("Dog").orElseThrow().definition()),
                    is((long) expected.size()));
            // the index was built by the start: a query on it finds what a scan finds
            try (var indexed = db.table("Dog").list(Request.of(Principal.ANONYMOUS, null)
                    .withQuery(pier.query.Query.parse("n=lt=50"))).records()) {
                assertThat(indexed.count(), is(expected.values().stream().filter(v -> v.get("n").asInt() < 50).count()));
            }
            assertThat(db.database.feed().position(), is(position));
        }
    }

    @Test
    void incrementsBringAFullBackupToTheirPositionsInOrderOnly() throws Exception {
        ByteArrayOutputStream full = new ByteArrayOutputStream();
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        long end;
        Map<String, JsonNode> expected;
        try (TestDatabase db = new TestDatabase(folder.resolve("original"), SCHEMA)) {
            Resource dogs = db.table("Dog");
            for (int i = 0; i < 100; i++) {
                dogs.put(write("d" + i, i, 0));
            }
            long position = Backup.write(db.database, full);
            for (int i = 0; i < 30; i++) {
                dogs.put(write("d" + i, i + 1_000, 1)); // changed
                dogs.delete(Request.of(Principal.ANONYMOUS, "d" + (50 + i))); // deleted
            }
            long middle = Backup.writeIncrement(db.database, position, first);
            dogs.put(write("new", 7, 2));
            end = Backup.writeIncrement(db.database, middle, second);
            assertThat(end, greaterThan(middle));
            assertThrows(IllegalArgumentException.class, () -> Backup.writeIncrement(db.database, end + 10,
                    new ByteArrayOutputStream()));
            expected = stateAt(db, end);
        }
        try (Store restored = Stores.open("mapdb", folder.resolve("restored"), pier.store.StoreOptions.DEFAULT)) {
            long fullAt = Backup.restore(new ByteArrayInputStream(full.toByteArray()), restored);
            // the second increment does not continue from the full backup
            assertThat(assertThrows(IOException.class, () -> Backup.restoreIncrement(new ByteArrayInputStream(
                    second.toByteArray()), restored, fullAt)).getMessage(), containsString("in the order"));
            long at = Backup.restoreIncrement(new ByteArrayInputStream(first.toByteArray()), restored, fullAt);
            assertThat(Backup.restoreIncrement(new ByteArrayInputStream(second.toByteArray()), restored, at), is(end));
        }
        try (TestDatabase db = new TestDatabase(folder.resolve("restored"), SCHEMA)) {
            Map<String, JsonNode> actual = new HashMap<>();
            try (var records = db.table("Dog").list(Request.of(Principal.ANONYMOUS, null)).records()) {
                records.forEach(record -> actual.put(record.id(), record.value()));
            }
            assertThat(actual, is(expected));
            assertThat(actual.size(), is(71));
            assertThat(db.database.sequencer().count(db.database.table("Dog").orElseThrow().definition()), is(71L));
        }
    }

    @Test
    void blobBytesTravelWithTheRecordsThatReferToThemAtTheEnd() throws Exception {
        String schema = "type Dog @table @export { id: ID @primaryKey  name: String  photo: Blob }";
        byte[] a = bytes(Blobs.CHUNK + 5, 1);
        byte[] b = bytes(100, 2);
        byte[] c = bytes(Blobs.CHUNK * 2, 3);
        ByteArrayOutputStream full = new ByteArrayOutputStream();
        ByteArrayOutputStream increment = new ByteArrayOutputStream();
        try (TestDatabase db = new TestDatabase(folder.resolve("original"), schema)) {
            Resource dogs = db.table("Dog");
            for (String id : java.util.List.of("1", "2")) {
                dogs.put(Request.of(Principal.ANONYMOUS, id).withContent(new Content.Structured(
                        JsonNodeFactory.instance.objectNode().put("name", "dog" + id))));
            }
            dogs.putBlob(Request.of(Principal.ANONYMOUS, "1"), "photo", "image/png", new ByteArrayInputStream(a));
            dogs.putBlob(Request.of(Principal.ANONYMOUS, "2"), "photo", "image/png", new ByteArrayInputStream(b));
            long position = Backup.write(db.database, full);
            // while a backup runs, a blob that loses its record is kept for it, and goes when it ends
            db.database.sequencer().blobHold.begin();
            dogs.putBlob(Request.of(Principal.ANONYMOUS, "2"), "photo", "image/png", new ByteArrayInputStream(c));
            dogs.delete(Request.of(Principal.ANONYMOUS, "1"));
            assertThat(blobChunks(db.database.store()), is(2L + 1 + 2));
            db.database.sequencer().blobHold.end(db.database.store());
            assertThat(blobChunks(db.database.store()), is(2L));
            Backup.writeIncrement(db.database, position, increment);
        }
        Path restored = restore("restored-full", full);
        try (TestDatabase db = new TestDatabase(restored, schema)) {
            assertThat(blob(db, "1"), is(a));
            assertThat(blob(db, "2"), is(b));
            assertThat(blobChunks(db.database.store()), is(3L));
        }
        // the increment carries c; the first start drops the chunks of a and b, which no record refers to
        Path incremented = restore("restored-incremented", full, increment);
        try (TestDatabase db = new TestDatabase(incremented, schema)) {
            assertThat(blob(db, "2"), is(c));
            assertThrows(pier.resource.ResourceException.class, () -> db.table("Dog").get(Request.of(
                    Principal.ANONYMOUS, "1")));
            assertThat(blobChunks(db.database.store()), is(2L));
        }
    }

    private Path restore(String name, ByteArrayOutputStream full, ByteArrayOutputStream... increments)
            throws IOException {
        Path restored = folder.resolve(name);
        try (Store store = Stores.open("mapdb", restored, pier.store.StoreOptions.DEFAULT)) {
            long at = Backup.restore(new ByteArrayInputStream(full.toByteArray()), store);
            for (ByteArrayOutputStream increment : increments) {
                at = Backup.restoreIncrement(new ByteArrayInputStream(increment.toByteArray()), store, at);
            }
        }
        return restored;
    }

    private static byte[] blob(TestDatabase db, String id) throws IOException {
        try (pier.resource.Blob blob = db.table("Dog").blob(Request.of(Principal.ANONYMOUS, id), "photo")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            blob.chunks().forEach(out::writeBytes);
            return out.toByteArray();
        }
    }

    private static long blobChunks(Store store) {
        try (var chunks = store.scan("blob/Dog", KeyRange.all())) {
            return chunks.count();
        }
    }

    private static byte[] bytes(int size, int seed) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void aCutBackupIsRefusedAndRestoresNothingBeyondWhatItSays() throws Exception {
        ByteArrayOutputStream backup = new ByteArrayOutputStream();
        try (TestDatabase db = new TestDatabase(folder.resolve("original"), SCHEMA)) {
            db.table("Dog").put(write("a", 1, 0));
            Backup.write(db.database, backup);
        }
        byte[] cut = java.util.Arrays.copyOf(backup.toByteArray(), backup.size() - 3);
        try (Store restored = Stores.open("mapdb", folder.resolve("restored"), pier.store.StoreOptions.DEFAULT)) {
            IOException refused = assertThrows(IOException.class, () -> Backup.restore(new ByteArrayInputStream(cut),
                    restored));
            assertThat(refused.getMessage(), containsString("cut short"));
            assertThat(assertThrows(IOException.class, () -> Backup.restore(new ByteArrayInputStream(
                    "{\"not\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), restored)).getMessage(),
                    containsString("not a full Pier backup"));
            try (var anything = restored.scan(Sequencer.META, KeyRange.all())) {
                assertThat(anything.count(), is(0L));
            }
        }
    }

    // the original's state at a position, from its whole feed: what a restore must arrive at
    private static Map<String, JsonNode> stateAt(TestDatabase db, long position) {
        Map<String, JsonNode> state = new HashMap<>();
        try (var changes = db.database.feed().after(0)) {
            changes.takeWhile(change -> change.sequence() <= position).filter(change -> change.table().equals("Dog"))
                    .forEach(change -> {
                        if (change.kind() == FeedEntry.Kind.PUT) {
                            state.put(change.id(), change.record().orElseThrow().toRecord(change.id(),
                                    db.database.cbor()).value());
                        } else {
                            state.remove(change.id());
                        }
                    });
        }
        return state;
    }

    private static Request write(String id, int n, int by) {
        return Request.of(Principal.ANONYMOUS, id).withContent(new Content.Structured(JsonNodeFactory.instance
                .objectNode().put("n", n).put("by", by)));
    }
}
