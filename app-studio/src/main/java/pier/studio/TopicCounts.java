package pier.studio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import pier.client.LiveMessage;

/**
 * What a flood of messages leaves for the topic tree, counted on the client's thread at the cost of a map
 * look-up and an add per message: each topic's count and newest message, and which topics changed since
 * the screen last looked. Nothing is decoded here. At most {@link #MAX_TOPICS} topics are kept; messages
 * on topics beyond them are only counted as such.
 */
final class TopicCounts {

    static final int MAX_TOPICS = 100_000;

    /** One topic: its count and newest message. */
    static final class Topic {
        final AtomicLong count = new AtomicLong();
        volatile LiveMessage last;
    }

    /** A topic that changed, as the screen takes it. */
    record Change(String topic, long count, LiveMessage last) {
    }

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final LongAdder received = new LongAdder();
    private final LongAdder beyondLimit = new LongAdder();

    /** Called for every message, on the client's thread. */
    void receive(LiveMessage message) {
        received.increment();
        Topic topic = topics.get(message.topic());
        if (topic == null) {
            if (topics.size() >= MAX_TOPICS) {
                beyondLimit.increment();
                return;
            }
            topic = topics.computeIfAbsent(message.topic(), t -> new Topic());
        }
        topic.last = message;
        topic.count.incrementAndGet();
        changed.add(message.topic());
    }

    /** The topics that changed since the last call, with their counts now. */
    List<Change> drain() {
        List<Change> drained = new ArrayList<>();
        for (String name : changed) {
            changed.remove(name);
            Topic topic = topics.get(name);
            drained.add(new Change(name, topic.count.get(), topic.last));
        }
        return drained;
    }

    /** Every topic with its count now (the tree built again, under a new filter). */
    List<Change> all() {
        List<Change> every = new ArrayList<>(topics.size());
        topics.forEach((name, topic) -> every.add(new Change(name, topic.count.get(), topic.last)));
        return every;
    }

    long received() {
        return received.sum();
    }

    long beyondLimit() {
        return beyondLimit.sum();
    }

    int size() {
        return topics.size();
    }

    void clear() {
        topics.clear();
        changed.clear();
    }
}
