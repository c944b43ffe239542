package pier.studio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** MQTT 5 user properties as a person types them: one {@code key=value} per line, in order, keys may repeat. */
final class UserProperties {

    private UserProperties() {
    }

    /**
     * Parses the lines; blank lines are ignored.
     *
     * @throws IllegalArgumentException naming the first line without {@code =} or with an empty key
     */
    static List<Map.Entry<String, String>> parse(String text) {
        List<Map.Entry<String, String>> properties = new ArrayList<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0 || line.substring(0, equals).isBlank()) {
                throw new IllegalArgumentException("user property line " + number + " is not key=value: " + line.strip());
            }
            properties.add(Map.entry(line.substring(0, equals).strip(), line.substring(equals + 1).strip()));
        }
        return properties;
    }

    static String format(List<Map.Entry<String, String>> properties) {
        StringBuilder text = new StringBuilder();
        properties.forEach(p -> text.append(p.getKey()).append('=').append(p.getValue()).append('\n'));
        return text.toString();
    }
}
