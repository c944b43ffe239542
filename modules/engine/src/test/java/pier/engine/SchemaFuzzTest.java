package pier.engine;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Any schema text either reads into tables or is refused with a {@link SchemaException} listing its problems. */
class SchemaFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void readsOrRefusesAnyText(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            Schema.parse("fuzz.graphql", text).exportedNames();
        } catch (SchemaException e) {
            if (e.getMessage().isBlank()) {
                throw new AssertionError("a refusal that names no problem", e);
            }
        }
    }
}
