package pier.store.mapdb;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pier.store.WriteBatch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

class JournalTest {

    @TempDir
    Path folder;

    @Test
    void replaysWhatWasAppendedInOrder() throws IOException {
        try (Journal journal = Journal.open(folder)) {
            journal.append(List.of(batch("a", "1"), batch("b", "2")));
            journal.append(List.of(WriteBatch.builder().delete("m", bytes("a")).build()));
        }
        try (Journal journal = Journal.open(folder)) {
            assertThat(replayed(journal), contains("put a=1", "put b=2", "delete a"));
        }
    }

    @Test
    void segmentsAreReplayedInOrderUntilACheckpointDeletesThem() throws IOException {
        try (Journal journal = Journal.open(folder)) {
            journal.append(List.of(batch("a", "1")));
            long covered = journal.roll();
            journal.append(List.of(batch("b", "2")));
            assertThat(replayed(journal), contains("put a=1", "put b=2"));
            journal.deleteThrough(covered);
            assertThat(Journal.segments(folder), contains(covered + 1));
        }
        try (Journal journal = Journal.open(folder)) {
            assertThat(replayed(journal), contains("put b=2"));
            journal.append(List.of(batch("c", "3")));
        }
        try (Journal journal = Journal.open(folder)) {
            assertThat(replayed(journal), contains("put b=2", "put c=3"));
        }
    }

    @Test
    void aRecordCutShortByACrashEndsTheReplayAndIsCutOff() throws IOException {
        Path file = folder.resolve("pier.journal.1");
        try (Journal journal = Journal.open(folder)) {
            journal.append(List.of(batch("a", "1")));
            journal.append(List.of(batch("b", "2")));
        }
        long whole = Files.size(file);
        try (RandomAccessFile torn = new RandomAccessFile(file.toFile(), "rw")) {
            torn.setLength(whole - 3);
        }
        try (Journal journal = Journal.open(folder)) {
            assertThat(replayed(journal), contains("put a=1"));
            assertThat(journal.size() < whole - 3, is(true));
            journal.append(List.of(batch("c", "3")));
        }
        try (Journal journal = Journal.open(folder)) {
            assertThat(replayed(journal), contains("put a=1", "put c=3"));
        }
    }

    @Test
    void aDamagedRecordIsWhereTheReplayStops() throws IOException {
        Path file = folder.resolve("pier.journal.1");
        long first;
        try (Journal journal = Journal.open(folder)) {
            journal.append(List.of(batch("a", "1")));
            first = journal.size();
            journal.append(List.of(batch("b", "2")));
        }
        try (RandomAccessFile damaged = new RandomAccessFile(file.toFile(), "rw")) {
            damaged.seek(first + 12);
            damaged.write(0x55);
        }
        try (Journal journal = Journal.open(folder)) {
            assertThat(replayed(journal), contains("put a=1"));
        }
    }

    private static List<String> replayed(Journal journal) throws IOException {
        List<String> seen = new ArrayList<>();
        journal.replay(batch -> batch.operations().forEach(op -> seen.add(op.isDelete()
                ? "delete " + new String(op.key()) : "put " + new String(op.key()) + "=" + new String(op.value()))));
        return seen;
    }

    private static WriteBatch batch(String key, String value) {
        return WriteBatch.builder().put("m", bytes(key), bytes(value)).build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
