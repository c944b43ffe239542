package pier.store.mapdb;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.store.Store;
import pier.store.StoreException;
import pier.store.StoreOptions;
import pier.store.WriteBatch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Stores that cannot be opened are reported with their file and the reason, and left as they are. */
class MapDbFilesTest {

    @TempDir
    Path folder;

    @Test
    void aFileLeftHalfCreatedIsReportedNotReplaced() throws IOException {
        MapDbFiles files = MapDbFiles.in(folder);
        new MapDbStoreProvider().open(folder, StoreOptions.DEFAULT).close();
        // what a crash inside the first creation leaves: the MapDB file but not the marker
        Files.delete(files.marker());
        byte[] before = Files.readAllBytes(files.database());
        StoreException e = assertThrows(StoreException.class, () -> new MapDbStoreProvider().open(folder, StoreOptions.DEFAULT));
        assertThat(e.kind(), is(StoreException.Kind.CANNOT_OPEN));
        assertThat(e.getMessage(), containsString(files.database().toString()));
        assertThat(e.getMessage(), containsString("half-created"));
        assertThat(Arrays.equals(Files.readAllBytes(files.database()), before), is(true));
    }

    @Test
    void aCorruptFileIsReportedNotReplaced() throws IOException {
        MapDbFiles files = MapDbFiles.in(folder);
        try (Store store = new MapDbStoreProvider().open(folder, StoreOptions.DEFAULT)) {
            store.commit(WriteBatch.builder().put("m", new byte[] {1}, new byte[] {2}).build()).join();
        }
        try (RandomAccessFile file = new RandomAccessFile(files.database().toFile(), "rw")) {
            file.seek(0);
            file.write(new byte[64]);
        }
        byte[] before = Files.readAllBytes(files.database());
        StoreException e = assertThrows(StoreException.class, () -> new MapDbStoreProvider().open(folder, StoreOptions.DEFAULT));
        assertThat(e.kind(), is(StoreException.Kind.CANNOT_OPEN));
        assertThat(e.getMessage(), containsString(files.database().toString()));
        assertThat(Arrays.equals(Files.readAllBytes(files.database()), before), is(true));
    }

    @Test
    void aMissingMapDbFileIsReportedNotStartedEmpty() throws IOException {
        MapDbFiles files = MapDbFiles.in(folder);
        try (Store store = new MapDbStoreProvider().open(folder, StoreOptions.DEFAULT)) {
            store.commit(WriteBatch.builder().put("m", new byte[] {1}, new byte[] {2}).build()).join();
        }
        Files.delete(files.database());
        StoreException e = assertThrows(StoreException.class,
                () -> new MapDbStoreProvider().open(folder, StoreOptions.DEFAULT));
        assertThat(e.getMessage(), containsString("the file is missing"));
        assertThat(Files.exists(files.database()), is(false));
    }

    @Test
    void aFolderThatCannotBeCreatedIsReported() throws IOException {
        Path notAFolder = Files.writeString(folder.resolve("file"), "x");
        StoreException e = assertThrows(StoreException.class,
                () -> new MapDbStoreProvider().open(notAFolder.resolve("data"), StoreOptions.DEFAULT));
        assertThat(e.getMessage(), containsString("folder cannot be created"));
    }

    @Test
    void aSecondOpenInTheSameProcessIsRefused() {
        try (Store store = new MapDbStoreProvider().open(folder, StoreOptions.DEFAULT)) {
            StoreException e = assertThrows(StoreException.class, () -> new MapDbStoreProvider().open(folder, StoreOptions.DEFAULT));
            assertThat(e.getMessage(), containsString("locked"));
        }
    }
}
