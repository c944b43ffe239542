package pier.studio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;

class JsonDiffTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void namesAddedRemovedAndChangedPaths() throws Exception {
        assertThat(JsonDiff.between(json("{\"name\":\"Rex\",\"age\":3,\"owner\":{\"name\":\"Ann\"},\"tag\":1}"),
                        json("{\"name\":\"Rex\",\"age\":4,\"owner\":{\"name\":\"Bo\"},\"toys\":[1]}")),
                containsInAnyOrder("~ age: 3 → 4", "~ owner.name: \"Ann\" → \"Bo\"", "- tag: 1", "+ toys: [1]"));
    }

    @Test
    void equalValuesHaveNoDifference() throws Exception {
        assertThat(JsonDiff.between(json("{\"a\":{\"b\":[1,2]}}"), json("{\"a\":{\"b\":[1,2]}}")), empty());
    }

    @Test
    void scalarsCompareAsWholeValues() throws Exception {
        assertThat(JsonDiff.between(json("21.5"), json("22")), contains("~ (value): 21.5 → 22"));
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
