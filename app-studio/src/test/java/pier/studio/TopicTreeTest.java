package pier.studio;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import pier.client.LiveMessage;

class TopicTreeTest {

    @Test
    void levelsCountWhatIsOnThemAndBelowThemInNameOrder() {
        TopicCounts counts = new TopicCounts();
        for (int i = 0; i < 3; i++) {
            counts.receive(message("plant/line2/temp", "{\"c\":" + i + "}", false));
        }
        counts.receive(message("plant/line1/temp", "{\"c\":9}", true));
        counts.receive(message("plant", "\"hello\"", false));
        TopicTree tree = new TopicTree();
        counts.drain().forEach(tree::apply);

        TopicTree.Node plant = tree.item("plant").getValue();
        assertThat(plant.total, is(5L));
        assertThat(plant.own, is(1L));
        assertThat(tree.item("plant").getChildren().stream().map(child -> child.getValue().name).toList(),
                contains("line1", "line2"));
        assertThat(tree.item("plant/line2").getValue().total, is(3L));
        assertThat(tree.item("plant/line2").getValue().last, nullValue()); // a level, no topic of its own
        assertThat(tree.item("plant/line2/temp").getValue().summary(), is("{\"c\":2}"));
        assertThat(tree.item("plant/line1/temp").getValue().retained(), is(true));

        // the next messages add only what is new; the rate is what came in the last second
        counts.receive(message("plant/line2/temp", "{\"c\":3}", false));
        counts.drain().forEach(tree::apply);
        tree.second();
        assertThat(plant.total, is(6L));
        assertThat(plant.rate, is(6L));
        tree.second();
        assertThat(plant.rate, is(0L));

        tree.filter("line1", counts.all());
        assertThat(tree.item("plant/line2"), nullValue());
        assertThat(tree.item("plant").getValue().total, is(1L));
    }

    @Test
    void topicsBeyondTheLimitAreOnlyCounted() {
        TopicCounts counts = new TopicCounts();
        for (int i = 0; i < TopicCounts.MAX_TOPICS + 5; i++) {
            counts.receive(message("t/" + i, "1", false));
        }
        assertThat(counts.size(), is(TopicCounts.MAX_TOPICS));
        assertThat(counts.beyondLimit(), is(5L));
        assertThat(counts.received(), is(TopicCounts.MAX_TOPICS + 5L));
    }

    private static LiveMessage message(String topic, String json, boolean retained) {
        return new LiveMessage(Instant.now(), topic, json.getBytes(StandardCharsets.UTF_8), "application/json", 0,
                retained, List.of());
    }
}
