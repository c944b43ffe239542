package pier.studio;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

class LiveLogTest {

    @Test
    void keepsTheNewestAndCountsWhatItDropped() {
        LiveLog<Integer> log = new LiveLog<>(3);
        IntStream.rangeClosed(1, 5).forEach(log::offer);
        assertThat(log.drain(), contains(3, 4, 5));
        assertThat(log.received(), is(5L));
        assertThat(log.skipped(), is(2L));
        assertThat(log.drain(), empty());
    }

    @Test
    void aFloodFromManyThreadsIsCountedExactly() throws Exception {
        LiveLog<Integer> log = new LiveLog<>(100);
        List<Thread> writers = IntStream.range(0, 4)
                .mapToObj(t -> Thread.ofVirtual().start(() -> IntStream.range(0, 10_000).forEach(log::offer))).toList();
        for (Thread writer : writers) {
            writer.join();
        }
        assertThat(log.drain().size(), is(100));
        assertThat(log.received(), is(40_000L));
        assertThat(log.skipped(), is(39_900L));
    }

    @Test
    void clearForgetsCounts() {
        LiveLog<Integer> log = new LiveLog<>(1);
        log.offer(1);
        log.offer(2);
        log.clear();
        assertThat(log.received(), is(0L));
        assertThat(log.skipped(), is(0L));
        assertThat(log.drain(), empty());
    }
}
