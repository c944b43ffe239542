package pier.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.codec.CodecLimits;
import pier.codec.CodecRegistry;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Request;
import pier.store.KeyRange;
import pier.store.Store;
import pier.store.Stores;
import pier.store.WriteBatch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** System tables are declared by the modules that need them and written like every table. */
class SystemTablesTest {

    private static final String NOTES = "type Note @table(table: \"$notes\") { id: ID @primaryKey  text: String }";
    private static final Principal SERVER = new Principal("pier", true);

    @TempDir
    Path folder;

    @Test
    void aDeclaredSystemTableIsWrittenThroughTheFeedAndNeverExported() {
        CodecRegistry codecs = CodecRegistry.load(CodecLimits.DEFAULT);
        try (Store store = Stores.open("mapdb", folder, pier.store.StoreOptions.DEFAULT);
             Database database = Database.open(store, Schema.parse("s", TestDatabase.SCHEMA), List.of(NOTES), codecs,
                     ChangeFeed.FeedRetention.DEFAULT)) {
            database.systemTable("$notes").put(Request.of(SERVER, "a").withContent(new Content.Structured(
                    JsonNodeFactory.instance.objectNode().put("text", "hello"))));
            try (var entries = database.feed().after(0)) {
                assertThat(entries.map(e -> e.table() + "/" + e.id()).toList(), is(List.of("$notes/a")));
            }
            pier.resource.ResourceRegistry registry = new pier.resource.ResourceRegistry();
            database.exportTo(registry);
            assertThat(registry.names().contains("$notes"), is(false));
        }
    }

    @Test
    void aSystemTableAdoptsTheStoreMapAnOlderReleaseKeptItsRecordsIn() {
        CodecRegistry codecs = CodecRegistry.load(CodecLimits.DEFAULT);
        var cbor = codecs.forContentType("application/cbor").orElseThrow();
        try (Store store = Stores.open("mapdb", folder, pier.store.StoreOptions.DEFAULT)) {
            store.commit(WriteBatch.builder().put("system/notes", "a".getBytes(StandardCharsets.UTF_8),
                    cbor.encode(JsonNodeFactory.instance.objectNode().put("text", "kept"))).build()).join();
        }
        try (Store store = Stores.open("mapdb", folder, pier.store.StoreOptions.DEFAULT);
             Database database = Database.open(store, Schema.parse("s", TestDatabase.SCHEMA), List.of(NOTES), codecs,
                     ChangeFeed.FeedRetention.DEFAULT)) {
            var note = database.systemTable("$notes").get(Request.of(SERVER, "a"));
            assertThat(note.value().get("text").asText(), is("kept"));
            assertThat(note.sequence() > 0, is(true));
            try (var legacy = store.scan("system/notes", KeyRange.all())) {
                assertThat(legacy.count(), is(0L));
            }
        }
    }

    @Test
    void aSystemTableNameStartsWithADollar() {
        CodecRegistry codecs = CodecRegistry.load(CodecLimits.DEFAULT);
        try (Store store = Stores.open("mapdb", folder, pier.store.StoreOptions.DEFAULT)) {
            SchemaException refused = assertThrows(SchemaException.class, () -> Database.open(store,
                    Schema.parse("s", TestDatabase.SCHEMA), List.of("type N @table { id: ID @primaryKey }"), codecs,
                    ChangeFeed.FeedRetention.DEFAULT));
            assertThat(refused.getMessage(), containsString("starts with $"));
        }
    }
}
