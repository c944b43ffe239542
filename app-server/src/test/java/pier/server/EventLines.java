package pier.server;

import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The lines of an event stream, read as they come. */
record EventLines(Stream<String> body, BlockingQueue<String> lines) implements AutoCloseable {

    static EventLines open(int port, String user, String password, String path) throws Exception {
        Stream<String> body = LiveSockets.eventStream(port, user, password, path).body();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try {
                for (Iterator<String> it = body.iterator(); it.hasNext(); ) {
                    lines.add(it.next());
                }
            } catch (RuntimeException e) {
                // closed
            }
        });
        return new EventLines(body, lines);
    }

    String next() throws InterruptedException {
        String line = lines.poll(10, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("no line within 10 s");
        }
        return line;
    }

    /** The data line of the event begun. */
    String data() throws InterruptedException {
        for (String line = next(); ; line = next()) {
            if (line.startsWith("data: ")) {
                return line;
            }
        }
    }

    /** Skips to the line given (an event's first line) and returns it. */
    String until(String wanted) throws InterruptedException {
        for (String line = next(); ; line = next()) {
            if (line.equals(wanted)) {
                return line;
            }
        }
    }

    @Override
    public void close() {
        body.close();
    }
}
