package pier.studio;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON typed by a person, parsed with an error message that names the problem and where it is. */
final class JsonText {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonText() {
    }

    /**
     * @throws IllegalArgumentException "not valid JSON: Unexpected end-of-input … (line 1, column 12)"
     */
    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            // Jackson's own message quotes the source; its original message and the position say enough
            String problem = e.getOriginalMessage().replaceAll(" \\(start marker at .*", "");
            throw new IllegalArgumentException("not valid JSON: " + problem
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        }
    }
}
