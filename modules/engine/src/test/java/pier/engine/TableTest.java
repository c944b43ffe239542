package pier.engine;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import pier.resource.Condition;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Record;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TableTest extends DogTableTest {


    @Test
    void putReplacesAndGetReadsBackWithTheIdAndTimestamps() {
        Record first = dogs.put(write("7", dog("Rex", 3).put("breed", "lab")));
        db.clock.addAndGet(1000);
        Record second = dogs.put(write("7", dog("Rex", 4)));
        Record read = dogs.get(Request.of(Principal.ANONYMOUS, "7"));
        assertThat(read.value().get("id").asText(), is("7"));
        assertThat(read.value().get("age").asInt(), is(4));
        assertThat(read.value().has("breed"), is(false));
        assertThat(read.version(), is(second.version()));
        // a replace keeps the creation time and moves the update time
        assertThat(read.value().get("created"), is(first.value().get("created")));
        assertThat(read.value().get("updated").asLong(), is(first.value().get("updated").asLong() + 1000));
    }

    @Test
    void patchMergesAndCreatesMissingRecords() {
        dogs.put(write("1", dog("Rex", 3)));
        dogs.patch(write("1", NODES.objectNode().put("age", 5)));
        dogs.patch(write("2", NODES.objectNode().put("age", 1)));
        assertThat(dogs.get(Request.of(Principal.ANONYMOUS, "1")).value().get("name").asText(), is("Rex"));
        assertThat(dogs.get(Request.of(Principal.ANONYMOUS, "1")).value().get("age").asInt(), is(5));
        assertThat(dogs.get(Request.of(Principal.ANONYMOUS, "2")).value().get("age").asInt(), is(1));
    }

    @Test
    void versionsIncreaseWithEveryWriteAndTheUrlIdWins() {
        Record first = dogs.put(write("a", dog("A", 1).put("id", "other")));
        Record second = dogs.patch(write("a", NODES.objectNode().put("age", 2)));
        assertThat(second.version(), greaterThan(first.version()));
        assertThat(second.sequence(), is(first.sequence() + 1));
        assertThat(second.value().get("id").asText(), is("a"));
    }

    @Test
    void deleteRemovesAndIsQuietWhenMissing() {
        dogs.put(write("1", dog("Rex", 3)));
        dogs.delete(Request.of(Principal.ANONYMOUS, "1"));
        dogs.delete(Request.of(Principal.ANONYMOUS, "1"));
        ResourceException e = assertThrows(ResourceException.class, () -> dogs.get(Request.of(Principal.ANONYMOUS, "1")));
        assertThat(e.kind(), is(ResourceException.Kind.NOT_FOUND));
    }

    @Test
    void invalidValuesAreRefusedNamingTheAttributeAndChangeNothing() {
        dogs.put(write("1", dog("Rex", 3)));
        ResourceException e = assertThrows(ResourceException.class,
                () -> dogs.put(write("1", NODES.objectNode().put("age", "old"))));
        assertThat(e.kind(), is(ResourceException.Kind.BAD_REQUEST));
        assertThat(e.pointer(), is(Optional.of("age")));
        ObjectNode badOwner = dog("Rex", 3);
        badOwner.putObject("owner").put("phone", "1");
        e = assertThrows(ResourceException.class, () -> dogs.put(write("1", badOwner)));
        assertThat(e.pointer(), is(Optional.of("owner.name")));
        e = assertThrows(ResourceException.class, () -> dogs.put(write("1", dog("Rex", 3).put("age", 1L << 40))));
        assertThat(e.getMessage(), containsString("must be an integer"));
        assertThat(dogs.get(Request.of(Principal.ANONYMOUS, "1")).value().get("age").asInt(), is(3));
    }

    @Test
    void sealedTablesRefuseUndeclaredAttributesAndIntKeysAreCoerced() {
        Resource counters = db.table("Count");
        Record saved = counters.put(write("12", NODES.objectNode().put("count", 1)));
        assertThat(saved.value().get("id").isInt(), is(true));
        ResourceException e = assertThrows(ResourceException.class,
                () -> counters.put(write("12", NODES.objectNode().put("extra", 1))));
        assertThat(e.pointer(), is(Optional.of("extra")));
        e = assertThrows(ResourceException.class, () -> counters.get(Request.of(Principal.ANONYMOUS, "abc")));
        assertThat(e.getMessage(), containsString("expecting Int"));
    }

    @Test
    void putAllIsOneAtomicBatch() {
        JsonNode good = NODES.arrayNode().add(dog("A", 1).put("id", "a")).add(dog("B", 2).put("id", "b"));
        assertThat(dogs.putAll(write(null, good)).size(), is(2));
        JsonNode oneBad = NODES.arrayNode().add(dog("C", 1).put("id", "c")).add(NODES.objectNode().put("id", "d")
                .put("age", "x"));
        assertThrows(ResourceException.class, () -> dogs.putAll(write(null, oneBad)));
        assertThrows(ResourceException.class, () -> dogs.get(Request.of(Principal.ANONYMOUS, "c")));
        try (var listed = dogs.list(Request.of(Principal.ANONYMOUS, null)).records()) {
            assertThat(listed.map(Record::id).toList(), contains("a", "b"));
        }
    }

    @Test
    void postGeneratesIdsUnlessTheBodyHasOne() {
        Record generated = dogs.post(write(null, dog("New", 1)));
        assertThat(generated.id().length(), is(36));
        Record given = dogs.post(write(null, dog("Given", 1).put("id", "mine")));
        assertThat(given.id(), is("mine"));
        Record counted = db.table("Count").post(write(null, NODES.objectNode().put("count", 0)));
        assertThat(Integer.parseInt(counted.id()), greaterThan(0));
    }

    @Test
    void postNeverReplacesAnExistingRecord() {
        dogs.put(write("taken", dog("First", 1)));
        ResourceException refused = assertThrows(ResourceException.class,
                () -> dogs.post(write(null, dog("Second", 2).put("id", "taken"))));
        assertThat(refused.kind(), is(ResourceException.Kind.CONFLICT));
        assertThat(dogs.get(Request.of(Principal.ANONYMOUS, "taken")).value().get("name").asText(), is("First"));
    }

    @Test
    void ifMatchGuardsWrites() {
        Record current = dogs.put(write("1", dog("Rex", 3)));
        Request stale = new Request(Principal.ANONYMOUS, Optional.of("1"), pier.query.Query.ALL, Optional.of(new Content.Structured(
                dog("Rex", 9))), Optional.of(new Condition(false, Set.of(current.version() - 1))));
        ResourceException e = assertThrows(ResourceException.class, () -> dogs.put(stale));
        assertThat(e.kind(), is(ResourceException.Kind.PRECONDITION_FAILED));
        Request fresh = new Request(Principal.ANONYMOUS, Optional.of("1"), pier.query.Query.ALL, Optional.of(new Content.Structured(
                dog("Rex", 9))), Optional.of(new Condition(false, Set.of(current.version()))));
        assertThat(dogs.put(fresh).value().get("age").asInt(), is(9));
    }

    @Test
    void opaqueContentIsKeptAsItsBytes() {
        byte[] ics = "BEGIN:VCALENDAR".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        dogs.put(Request.of(Principal.ANONYMOUS, "cal").withContent(new Content.Opaque("text/calendar", ics)));
        Content.Opaque back = dogs.get(Request.of(Principal.ANONYMOUS, "cal")).opaqueContent().orElseThrow();
        assertThat(back.contentType(), is("text/calendar"));
        assertThat(new String(back.data(), java.nio.charset.StandardCharsets.UTF_8), is("BEGIN:VCALENDAR"));
    }

    @Test
    void recordsCountsAndTheFeedSurviveARestart() {
        dogs.put(write("1", dog("Rex", 3)));
        dogs.put(write("2", dog("Fido", 5)));
        dogs.delete(Request.of(Principal.ANONYMOUS, "1"));
        long position = db.database.feed().position();
        db.close();
        db = new TestDatabase(folder);
        dogs = db.table("Dog");
        assertThat(dogs.get(Request.of(Principal.ANONYMOUS, "2")).value().get("name").asText(), is("Fido"));
        assertThat(dogs.describe(Request.of(Principal.ANONYMOUS, null)).get("records").asLong(), is(1L));
        try (var feed = db.database.feed().after(0)) {
            assertThat(feed.map(e -> e.kind() + " " + e.id()).toList(), contains("PUT 1", "PUT 2", "DELETE 1"));
        }
        Record next = dogs.put(write("3", dog("New", 1)));
        assertThat(next.sequence(), is(position + 1));
    }

    @Test
    void hiddenTablesAreNotExported() {
        assertThat(db.resources.names(), is(new java.util.LinkedHashSet<>(List.of("Dog", "Count"))));
    }
}
