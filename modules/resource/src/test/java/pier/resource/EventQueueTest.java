package pier.resource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

/** The queue of a subscription, in delivery mode latest. */
class EventQueueTest {

    private static final Duration NOW = Duration.ZERO;

    // a change of a record; which kind does not matter to the queue
    private static Event change(String id, long sequence) {
        return new Event.Delete(id, sequence, sequence, Event.Reason.DELETED);
    }

    private static List<String> drain(EventQueue queue) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (Optional<Event> next = queue.poll(NOW); next.isPresent(); next = queue.poll(NOW)) {
            out.add(switch (next.get()) {
                case Event.Merged merged -> "merged " + merged.merged();
                case Event.Gap gap -> "gap " + gap.dropped();
                case Event.Message message -> "message";
                default -> next.get().id() + "@" + next.get().sequence();
            });
        }
        return out;
    }

    @Test
    void aStalledReaderGetsTheNewestOfEachRecordInTheOrderOfTheNewestWithHowManyItStandsFor()
            throws InterruptedException {
        EventQueue queue = new EventQueue(100, SubscribeOptions.Overflow.LATEST);
        queue.offer(change("a", 1));
        queue.offer(change("b", 2));
        queue.offer(change("a", 3));
        queue.offer(change("c", 4));
        queue.offer(change("a", 5));
        queue.offer(change("c", 6));
        assertThat(drain(queue), contains("b@2", "merged 2", "a@5", "merged 1", "c@6"));
    }

    @Test
    void messagesToNoRecordAreNeverMergedAndARecordDeliveredIsNotMergedWithTheNext() throws InterruptedException {
        EventQueue queue = new EventQueue(100, SubscribeOptions.Overflow.LATEST);
        Event toAll = new Event.Message(Record.message("", new Content.Structured(
                JsonNodeFactory.instance.numberNode(1))), 0);
        queue.offer(toAll);
        queue.offer(toAll);
        queue.offer(change("a", 1));
        assertThat(drain(queue), contains("message", "message", "a@1"));
        queue.offer(change("a", 2));
        assertThat(drain(queue), contains("a@2"));
    }

    @Test
    void beyondItsCapacityInRecordsItDropsAndSaysSo() throws InterruptedException {
        EventQueue queue = new EventQueue(2, SubscribeOptions.Overflow.LATEST);
        for (int i = 0; i < 1_000; i++) {
            queue.offer(change("a", 2L * i + 1)); // one record changing does not fill it
        }
        queue.offer(change("b", 3_000));
        queue.offer(change("c", 3_001));
        assertThat(drain(queue), contains("merged 999", "a@1999", "b@3000"));
        queue.offer(change("d", 3_002));
        assertThat(drain(queue), contains("gap 1", "d@3002"));
    }

    @Test
    void everyOtherPolicyKeepsEveryEvent() throws InterruptedException {
        EventQueue queue = new EventQueue(100, SubscribeOptions.Overflow.DROP);
        queue.offer(change("a", 1));
        queue.offer(change("a", 2));
        assertThat(drain(queue), contains("a@1", "a@2"));
    }
}
