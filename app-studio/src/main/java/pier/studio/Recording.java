package pier.studio;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.client.LiveMessage;
import pier.client.Publication;

/**
 * Messages saved as JSON Lines, a message a line: {@code at} (epoch milliseconds), {@code topic},
 * {@code qos}, {@code retain}, {@code contentType}, {@code userProperties} ({@code [{"key", "value"}]}),
 * {@code payload} (its bytes in base64, what a replay sends) and, when the payload decodes, {@code value}
 * (for people and tools reading the file).
 */
final class Recording {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A message read back: when it was received, and what to publish. */
    record Line(long at, Publication publication) {
    }

    private Recording() {
    }

    /** Writes one message as a line. */
    static void write(BufferedWriter out, LiveMessage message) throws IOException {
        ObjectNode line = JSON.createObjectNode().put("at", message.received().toEpochMilli())
                .put("topic", message.topic()).put("qos", message.qos()).put("retain", message.retained());
        if (message.contentType() != null) {
            line.put("contentType", message.contentType());
        }
        ArrayNode properties = line.putArray("userProperties");
        message.userProperties().forEach(p -> properties.addObject().put("key", p.getKey()).put("value", p.getValue()));
        line.put("payload", Base64.getEncoder().encodeToString(message.payload()));
        JsonNode value = message.payload().length == 0 ? null : message.decoded().value();
        if (value != null) {
            line.set("value", value);
        }
        out.write(JSON.writeValueAsString(line));
        out.newLine();
    }

    /** Reads every message of a file, in order. */
    static List<Line> read(Path file) {
        List<Line> lines = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                number++;
                if (!text.isBlank()) {
                    lines.add(line(text, number, file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return lines;
    }

    private static Line line(String text, int number, Path file) {
        try {
            JsonNode line = JSON.readTree(text);
            List<Map.Entry<String, String>> properties = new ArrayList<>();
            line.path("userProperties").forEach(p -> properties.add(Map.entry(p.path("key").asText(),
                    p.path("value").asText())));
            String topic = Optional.ofNullable(line.get("topic")).map(JsonNode::asText)
                    .orElseThrow(() -> new IllegalArgumentException("no topic"));
            return new Line(line.path("at").asLong(), new Publication(topic,
                    Base64.getDecoder().decode(line.path("payload").asText()),
                    line.hasNonNull("contentType") ? line.get("contentType").asText() : null,
                    line.path("qos").asInt(0), line.path("retain").asBoolean(), properties));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file.getFileName() + " line " + number + " is not a recorded message: "
                    + e.getMessage(), e);
        }
    }
}
