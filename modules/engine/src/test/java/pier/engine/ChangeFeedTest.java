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
