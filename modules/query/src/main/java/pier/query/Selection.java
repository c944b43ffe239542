package pier.query;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What {@code select()} keeps of each record. */
public sealed interface Selection {

    /**
     * The part of a record this selection keeps.
     *
     * @param record the record's value
     * @return the projection
     */
    JsonNode project(JsonNode record);

    /**
     * The attributes selected.
     *
     * @return the paths
     */
    List<Path> attributes();

    /**
     * {@code select(a,b,owner{name})}: an object of those attributes, named as written; missing ones are
     * left out. An attribute followed by braces keeps only those attributes of its object, or of each
     * object of its list (a relationship's joined records, a nested type).
     *
     * @param attributes the paths
     * @param nested     the selections inside attributes written with braces
     */
    record Fields(List<Path> attributes, Map<Path, Fields> nested) implements Selection {
        /** Copies the paths. */
        public Fields {
            attributes = List.copyOf(attributes);
            nested = Map.copyOf(nested);
        }

        /**
         * {@code select(a,b)}.
         *
         * @param attributes the paths
         */
        public Fields(List<Path> attributes) {
            this(attributes, Map.of());
        }

        @Override
        public JsonNode project(JsonNode record) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (Path path : attributes) {
                JsonNode value = path.resolve(record);
                Fields inner = nested.get(path);
                if (!value.isMissingNode()) {
                    object.set(path.text(), inner == null ? value : inner.within(value));
                }
            }
            return object;
        }

        private JsonNode within(JsonNode value) {
            if (value.isObject()) {
                return project(value);
            }
            if (value.isArray()) {
                ArrayNode projected = JsonNodeFactory.instance.arrayNode(value.size());
                value.forEach(element -> projected.add(within(element)));
                return projected;
            }
            return value;
        }

        /** The paths, those inside braces prefixed with theirs ({@code owner.name}). */
        @Override
        public List<Path> attributes() {
            if (nested.isEmpty()) {
                return attributes;
            }
            List<Path> all = new java.util.ArrayList<>();
            for (Path path : attributes) {
                Fields inner = nested.get(path);
                if (inner == null) {
                    all.add(path);
                } else {
                    inner.attributes().forEach(p -> all.add(path.then(p)));
                }
            }
            return all;
        }
    }

    /**
     * {@code select(a)}: the bare value, null when missing.
     *
     * @param attribute the path
     */
    record Single(Path attribute) implements Selection {
        @Override
        public JsonNode project(JsonNode record) {
            JsonNode value = attribute.resolve(record);
            return value.isMissingNode() ? NullNode.getInstance() : value;
        }

        @Override
        public List<Path> attributes() {
            return List.of(attribute);
        }
    }

    /**
     * {@code select([a,b])}: an array of the values, null for missing ones.
     *
     * @param attributes the paths
     */
    record Tuple(List<Path> attributes) implements Selection {
        /** Copies the paths. */
        public Tuple {
            attributes = List.copyOf(attributes);
        }

        @Override
        public JsonNode project(JsonNode record) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode(attributes.size());
            for (Path path : attributes) {
                JsonNode value = path.resolve(record);
                array.add(value.isMissingNode() ? NullNode.getInstance() : value);
            }
            return array;
        }
    }
}
