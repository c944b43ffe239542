package pier.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/** Nodes of a cluster without the network: each applies the others' changes, in any order. */
class ReplicationTest {

    @TempDir
    Path folder;

    private final List<TestDatabase> open = new ArrayList<>();
    // every node's wall clock starts alike; a test moves one ahead
    private final long start = System.currentTimeMillis();

    @AfterEach
    void close() {
        open.forEach(TestDatabase::close);
    }

    private Node node(String id) {
        TestDatabase db = new TestDatabase(folder.resolve(id));
        open.add(db);
        db.clock.set(start);
        return new Node(db, db.database.replicate(id, Set.of()));
    }

    private record Node(TestDatabase db, Replication replication) {
        Resource dogs() {
            return db.table("Dog");
        }

        void put(String id, String name) {
            dogs().put(Request.of(Principal.ANONYMOUS, id).withContent(new Content.Structured(
                    JsonNodeFactory.instance.objectNode().put("name", name))));
        }

        void delete(String id) {
            dogs().delete(Request.of(Principal.ANONYMOUS, id));
        }

        List<Replication.Change> changes() {
            try (Stream<Replication.Change> changes = replication.changesAfter(0)) {
                return changes.toList();
            }
        }

        Map<String, String> names() {
            Map<String, String> names = new TreeMap<>();
            try (var records = dogs().list(Request.of(Principal.ANONYMOUS, null)).records()) {
                records.forEach(r -> names.put(r.id(), r.value().get("name").asText()));
            }
            return names;
        }
    }

    @Test
    void concurrentWritesAndDeletesConvergeWhateverTheOrderTheyArriveIn() {
        Node a = node("a");
        Node b = node("b");
        Node c = node("c");
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            Node writer = List.of(a, b).get(random.nextInt(2));
            String id = Integer.toString(random.nextInt(20));
            if (random.nextInt(5) == 0) {
                writer.delete(id);
            } else {
                writer.put(id, writer.replication().node() + i);
            }
        }
        List<Replication.Change> fromA = a.changes();
        List<Replication.Change> fromB = b.changes();
        // a and b learn of each other's changes; c gets both in a shuffled order, in small batches
        b.replication().apply(fromA, 1).join();
        a.replication().apply(fromB, 2).join();
        List<Replication.Change> all = new ArrayList<>(fromA);
        all.addAll(fromB);
        Collections.shuffle(all, random);
        for (int from = 0; from < all.size(); from += 7) {
            c.replication().apply(all.subList(from, Math.min(all.size(), from + 7)), from).join();
        }
        assertThat(a.names().isEmpty(), is(false));
        assertThat(b.names(), is(a.names()));
        assertThat(c.names(), is(a.names()));
        assertThat(c.replication().applied(), is((long) ((all.size() - 1) / 7 * 7)));
    }

    @Test
    void aDeletionBeatsAnOlderWriteThatArrivesAfterIt() {
        Node a = node("a");
        Node b = node("b");
        b.put("1", "old");
        a.db().clock.addAndGet(1000);
        a.put("1", "a");
        a.delete("1");
        b.replication().apply(a.changes(), 1).join();
        a.replication().apply(b.changes(), 1).join();
        assertThat(a.names(), is(Map.of()));
        assertThat(b.names(), is(Map.of()));
    }

    @Test
    void aWriteHereBeatsTheRecordItReplacesEvenFromANodeWhoseClockRunsAhead() {
        Node a = node("a");
        Node b = node("b");
        a.db().clock.addAndGet(60_000);
        a.put("1", "from the future");
        b.replication().apply(a.changes(), 1).join();
        b.put("1", "later");
        a.replication().apply(b.changes(), 1).join();
        assertThat(a.names(), is(Map.of("1", "later")));
        assertThat(b.names(), is(Map.of("1", "later")));
    }

    @Test
    void onlyTheNodesOwnChangesShipAndTheShippedPositionOutlivesARestart() {
        Node a = node("a");
        Node b = node("b");
        a.put("1", "a");
        b.replication().apply(a.changes(), 5).join();
        b.put("2", "b");
        assertThat(b.changes().stream().map(Replication.Change::id).toList(), contains("2"));
        b.replication().shipped(b.replication().position());
        try (var rest = b.replication().changesAfter(b.replication().shipped())) {
            assertThat(rest.toList(), empty());
        }
        assertThat(b.replication().applied(), is(5L));
    }

    @Test
    void aSnapshotMergeKeepsRowsOnlyTheReceiverHoldsAndLearnsDeletions() {
        Node a = node("a");
        Node b = node("b");
        for (int i = 0; i < 25; i++) {
            a.put(Integer.toString(i), "a" + i);
        }
        a.delete("3");
        b.put("only-b", "mine");
        b.put("3", "stale");
        // b's "3" is older than a's deletion of it
        a.db().clock.addAndGet(1000);
        a.put("3", "again");
        a.delete("3");
        for (boolean tombstones : List.of(false, true)) {
            Optional<byte[]> after = Optional.empty();
            do {
                Replication.Page page = a.replication().snapshot("Dog", tombstones, after, 10);
                b.replication().merge(page.changes(), -1).join();
                after = page.next();
            } while (after.isPresent());
        }
        Map<String, String> expected = new TreeMap<>(a.names());
        expected.put("only-b", "mine");
        assertThat(b.names(), is(expected));
        assertThat(b.names().size(), greaterThan(20));
        assertThat(b.changes().stream().anyMatch(c -> c.id().equals("only-b")), is(true));
    }
}
