package pier.studio;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What changed between two values of a record, one line per attribute path: {@code + path: value} added,
 * {@code - path: value} removed, {@code ~ path: old → new} changed. Nested objects are compared by path
 * ({@code owner.name}); arrays and scalars as whole values.
 */
final class JsonDiff {

    private JsonDiff() {
    }

    static List<String> between(JsonNode before, JsonNode after) {
        Map<String, JsonNode> old = flatten(before);
        Map<String, JsonNode> now = flatten(after);
        List<String> lines = new ArrayList<>();
        old.forEach((path, value) -> {
            JsonNode changed = now.get(path);
            if (changed == null) {
                lines.add("- " + path + ": " + value);
            } else if (!changed.equals(value)) {
                lines.add("~ " + path + ": " + value + " → " + changed);
            }
        });
        now.forEach((path, value) -> {
            if (!old.containsKey(path)) {
                lines.add("+ " + path + ": " + value);
            }
        });
        return lines;
    }

    private static Map<String, JsonNode> flatten(JsonNode value) {
        Map<String, JsonNode> paths = new LinkedHashMap<>();
        flatten("", value, paths);
        return paths;
    }

    private static void flatten(String prefix, JsonNode value, Map<String, JsonNode> paths) {
        if (value == null || value.isMissingNode()) {
            return;
        }
        if (!value.isObject() || (value.isEmpty() && !prefix.isEmpty())) {
            paths.put(prefix.isEmpty() ? "(value)" : prefix, value);
            return;
        }
        value.properties().forEach(field -> flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
                field.getValue(), paths));
    }
}
