package pier.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.resource.Blob;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.store.KeyRange;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BlobTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = "type Dog @table @export { id: ID @primaryKey  name: String  photo: Blob }";

    @TempDir
    Path folder;

    @Test
    void aBlobIsStoredInChunksReadBackWholeAndGoesWithItsReference() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            Resource dogs = db.table("Dog");
            dogs.put(write("1", "{\"name\": \"Rex\"}"));
            byte[] photo = new byte[Blobs.CHUNK * 3 + 17];
            new Random(7).nextBytes(photo);
            dogs.putBlob(Request.of(Principal.ANONYMOUS, "1"), "photo", "image/png", new ByteArrayInputStream(photo));
            assertArrayEquals(photo, read(dogs.blob(Request.of(Principal.ANONYMOUS, "1"), "photo")));
            var reference = dogs.get(Request.of(Principal.ANONYMOUS, "1")).value().get("photo");
            assertThat(reference.get("contentType").asText(), is("image/png"));
            assertThat(reference.get("size").asLong(), is((long) photo.length));
            assertThat(chunks(db), is(4L));

            // a write's body cannot point the attribute elsewhere: it keeps the reference
            dogs.put(write("1", "{\"name\": \"Rex\", \"photo\": {\"blob\": \"00\", \"size\": 1}}"));
            assertArrayEquals(photo, read(dogs.blob(Request.of(Principal.ANONYMOUS, "1"), "photo")));
            dogs.putBlob(Request.of(Principal.ANONYMOUS, "1"), "photo", "image/png", new ByteArrayInputStream(new byte[10]));
            assertThat(chunks(db), is(1L));
            dogs.delete(Request.of(Principal.ANONYMOUS, "1"));
            assertThat(chunks(db), is(0L));
        }
    }

    @Test
    void aBlobNeedsItsRecordAndABlobAttribute() throws Exception {
        try (TestDatabase db = new TestDatabase(folder, SCHEMA)) {
            Resource dogs = db.table("Dog");
            assertThat(assertThrows(ResourceException.class, () -> dogs.putBlob(Request.of(Principal.ANONYMOUS, "9"),
                    "photo", "image/png", new ByteArrayInputStream(new byte[3]))).kind(), is(ResourceException.Kind.NOT_FOUND));
            dogs.put(write("2", "{\"name\": \"Bo\"}"));
            assertThat(assertThrows(ResourceException.class, () -> dogs.putBlob(Request.of(Principal.ANONYMOUS, "2"),
                    "name", "text/plain", new ByteArrayInputStream(new byte[3]))).getMessage(),
                    containsString("Dog has no Blob attribute name"));
            assertThat(assertThrows(ResourceException.class, () -> dogs.blob(Request.of(Principal.ANONYMOUS, "2"),
                    "photo")).kind(), is(ResourceException.Kind.NOT_FOUND));
            assertThat(chunks(db), is(0L));
        }
    }

    private static long chunks(TestDatabase db) {
        try (var chunks = db.store.scan(Blobs.map(db.database.table("Dog").orElseThrow().definition()), KeyRange.all())) {
            return chunks.count();
        }
    }

    private static byte[] read(Blob blob) throws Exception {
        try (blob) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            blob.chunks().forEach(out::writeBytes);
            return out.toByteArray();
        }
    }

    private static Request write(String id, String json) throws Exception {
        return Request.of(Principal.ANONYMOUS, id).withContent(new Content.Structured(JSON.readTree(json)));
    }
}
