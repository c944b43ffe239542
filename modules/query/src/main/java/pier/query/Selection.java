package pier.query;

import java.util.List;

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
     * {@code select(a,b)}: an object of those attributes, named as written; missing ones are left out.
     *
     * @param attributes the paths
     */
    record Fields(List<Path> attributes) implements Selection {
        /** Copies the paths. */
        public Fields {
            attributes = List.copyOf(attributes);
        }

        @Override
        public JsonNode project(JsonNode record) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (Path path : attributes) {
                JsonNode value = path.resolve(record);
                if (!value.isMissingNode()) {
                    object.set(path.text(), value);
                }
            }
            return object;
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
