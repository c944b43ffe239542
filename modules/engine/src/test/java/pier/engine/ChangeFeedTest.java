package pier.engine;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static pier.engine.DogTableTest.dog;
import static pier.engine.DogTableTest.write;

class ChangeFeedTest {

    @TempDir
    Path folder;

    @Test
    void readsEveryChangeAfterAPositionAcrossARestart() {
        long middle;
        try (TestDatabase db = new TestDatabase(folder)) {
            Resource dogs = db.table("Dog");
            dogs.put(write("1", dog("A", 1)));
            middle = db.database.feed().position();
            dogs.put(write("2", dog("B", 2)));
            dogs.delete(Request.of(Principal.ANONYMOUS, "1"));
        }
        try (TestDatabase db = new TestDatabase(folder); var after = db.database.feed().after(middle)) {
            assertThat(after.map(e -> e.sequence() + " " + e.kind() + " " + e.id()).toList(),
                    contains((middle + 1) + " PUT 2", (middle + 2) + " DELETE 1"));
        }
    }

    @Test
    void aValueIsStoredOnceYetTheFeedTellsWhatEveryChangeWrote() {
        try (TestDatabase db = new TestDatabase(folder)) {
            Resource dogs = db.table("Dog");
            dogs.put(write("1", dog("First", 1)));
            long first = db.database.feed().position();
            // while the record is current, its entry holds no copy of it
            assertThat(storedEntry(db, first).record().isPresent(), is(false));
            dogs.put(write("1", dog("Second", 2)));
            dogs.put(write("1", dog("Third", 3)));
            dogs.delete(Request.of(Principal.ANONYMOUS, "1"));
            assertThat(storedEntry(db, first).record().isPresent(), is(true));
            try (var all = db.database.feed().after(first - 1)) {
                assertThat(all.map(e -> e.kind() + " " + e.record().map(r -> db.database.cbor().decode(r.body())
                        .get("name").asText()).orElse("-")).toList(), contains("PUT First", "PUT Second",
                        "PUT Third", "DELETE -"));
            }
        }
    }

    @Test
    void aReplacedValueOlderThanTheRetentionIsNotKept() {
        try (TestDatabase db = new TestDatabase(folder, TestDatabase.retention(2, Duration.ofDays(1)))) {
            Resource dogs = db.table("Dog");
            dogs.put(write("1", dog("First", 1)));
            long first = db.database.feed().position();
            dogs.put(write("2", dog("Other", 1)));
            dogs.put(write("3", dog("Other", 1)));
            db.database.feed().prune();
            dogs.put(write("1", dog("Second", 2)));
            assertThat(db.database.store().get(ChangeFeed.MAP, FeedEntry.key(first)).isPresent(), is(false));
        }
    }

    private static FeedEntry storedEntry(TestDatabase db, long sequence) {
        byte[] key = FeedEntry.key(sequence);
        return FeedEntry.decode(key, db.database.store().get(ChangeFeed.MAP, key).orElseThrow());
    }

    @Test
    void pruningKeepsTheNewestEntriesByCount() {
        try (TestDatabase db = new TestDatabase(folder, TestDatabase.retention(3, Duration.ofDays(1)))) {
            for (int i = 0; i < 10; i++) {
                db.table("Dog").put(write("d" + i, dog("D", i)));
            }
            assertThat(db.database.feed().prune(), is(7L));
            assertThat(db.database.feed().firstRetained(), is(8L));
            try (var all = db.database.feed().after(0)) {
                assertThat(all.map(FeedEntry::id).toList(), contains("d7", "d8", "d9"));
            }
        }
    }

    @Test
    void pruningDropsEntriesOlderThanTheMaximumAge() {
        try (TestDatabase db = new TestDatabase(folder, TestDatabase.retention(1000, Duration.ofMinutes(10)))) {
            db.table("Dog").put(write("old", dog("Old", 1)));
            db.clock.addAndGet(Duration.ofMinutes(11).toMillis());
            db.table("Dog").put(write("new", dog("New", 1)));
            assertThat(db.database.feed().prune(), is(1L));
            try (var all = db.database.feed().after(0)) {
                assertThat(all.map(FeedEntry::id).toList(), contains("new"));
            }
        }
    }
}
