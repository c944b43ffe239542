package example.plugin;

import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;

import pier.resource.spi.FunctionProvider;

/**
 * Functions for computed attributes: {@code slug} makes a record's {@code name} into a lower-case,
 * dash-separated slug, as in {@code slug: String @computed(function: "slug") @indexed}.
 */
public final class ExampleFunctions implements FunctionProvider {

    @Override
    public Map<String, UnaryOperator<JsonNode>> functions() {
        return Map.of("slug", ExampleFunctions::slug);
    }

    private static JsonNode slug(JsonNode record) {
        JsonNode name = record.path("name");
        if (!name.isTextual()) {
            return NullNode.getInstance();
        }
        String slug = name.textValue().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return JsonNodeFactory.instance.textNode(slug);
    }
}
