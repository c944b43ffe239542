package pier.query;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any query text either parses, into a query that evaluates on a record without failing, or is refused
 * with a {@link QueryException} naming a position inside the text.
 */
class QueryFuzzTest {

    private static final com.fasterxml.jackson.databind.JsonNode RECORD = com.fasterxml.jackson.databind.node
            .JsonNodeFactory.instance.objectNode().put("id", "1").put("name", "Rex").put("age", 3);

    @FuzzTest(maxDuration = "10s")
    void parsesOrRefusesAnyText(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        Query query;
        try {
            query = Query.parse(text);
        } catch (QueryException e) {
            if (e.position() < 0 || e.position() > text.length()) {
                throw new AssertionError("position " + e.position() + " outside '" + text + "'", e);
            }
            return;
        }
        query.matches(RECORD);
        query.project(RECORD);
    }
}
