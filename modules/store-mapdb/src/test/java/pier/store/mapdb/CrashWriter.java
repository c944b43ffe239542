package pier.store.mapdb;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import pier.store.Store;
import pier.store.StoreOptions;
import pier.store.WriteBatch;

/**
 * A child process for crash tests: opens a store and lets many writers commit until it is killed,
 * printing {@code ack <writer> <n>} for every batch acknowledged as durable. Batch {@code n} of a
 * writer puts two keys, deletes the two of batch {@code n - KEPT} and overwrites the writer's
 * {@code last} key, so that space is freed and reused all along (MapDB's own compaction).
 */
public final class CrashWriter {

    static final String MAP = "crash";
    static final int WRITERS = 32;
    static final int KEPT = 100;

    private CrashWriter() {
    }

    public static void main(String[] args) throws InterruptedException {
        Store store = new MapDbStoreProvider().open(Path.of(args[0]), StoreOptions.DEFAULT);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        out.println("open");
        out.flush();
        Thread[] writers = new Thread[WRITERS];
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers[w] = Thread.ofPlatform().start(() -> write(store, writer, out));
        }
        for (Thread writer : writers) {
            writer.join();
        }
    }

    private static void write(Store store, int writer, PrintStream out) {
        for (int n = 0; ; n++) {
            // two keys per batch: after a crash both or neither must be there
            store.commit(WriteBatch.builder().put(MAP, bytes(key(writer, n)), value(writer, n))
                    .put(MAP, bytes(key(writer, n) + "/twin"), value(writer, n))
                    .delete(MAP, bytes(key(writer, n - KEPT))).delete(MAP, bytes(key(writer, n - KEPT) + "/twin"))
                    .put(MAP, bytes(last(writer)), bytes(Integer.toString(n))).build()).join();
            synchronized (out) {
                out.println("ack " + writer + " " + n);
                out.flush();
            }
        }
    }

    static String key(int writer, int n) {
        return writer + "/" + n;
    }

    static String last(int writer) {
        return writer + "/last";
    }

    static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(int writer, int n) {
        byte[] value = new byte[50 + (writer * 31 + n) % 400];
        Arrays.fill(value, (byte) (writer + n));
        return value;
    }
}
