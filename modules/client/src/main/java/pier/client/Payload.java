package pier.client;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import pier.codec.Codec;
import pier.codec.CodecException;

/**
 * A message body made readable: decoded by its content type (JSON, CBOR, MessagePack) into a value,
 * else shown as UTF-8 text, else as hex.
 *
 * @param value       the decoded value, or null when the body is not structured data
 * @param text        the value pretty-printed, the text, or a hex dump
 * @param contentType the content type it was decoded by ({@code application/octet-stream} when unknown)
 * @param size        the body's size in bytes
 */
public record Payload(JsonNode value, String text, String contentType, int size) {

    private static final String BINARY = "application/octet-stream";
    private static final int HEX_SHOWN = 4096;

    /**
     * Decodes a body.
     *
     * @param bytes       the body
     * @param contentType its declared type, or null; a body without one that starts with {@code {} or
     *                    {@code [} is tried as JSON, as the server does
     * @return the readable payload
     */
    public static Payload of(byte[] bytes, String contentType) {
        if (bytes.length == 0) {
            return new Payload(null, "(empty)", contentType == null ? BINARY : contentType, 0);
        }
        String type = contentType != null ? contentType : looksLikeJson(bytes) ? Format.JSON.mediaType() : null;
        Optional<Codec> codec = type == null ? Optional.empty() : Format.CODECS.forContentType(type);
        if (codec.isPresent() && codec.get().decodes()) {
            try {
                JsonNode value = codec.get().decode(bytes);
                return new Payload(value, value.toPrettyString(), codec.get().mediaType(), bytes.length);
            } catch (CodecException e) {
                return new Payload(null, "not valid " + type + ": " + e.getMessage() + "\n" + hex(bytes),
                        type, bytes.length);
            }
        }
        String shownType = contentType == null ? BINARY : contentType;
        return new Payload(null, utf8(bytes).orElseGet(() -> hex(bytes)), shownType, bytes.length);
    }

    /** One line for a log: the compact value or the first characters of the text. */
    public String summary() {
        String line = value != null ? value.toString() : text;
        line = line.replace('\n', ' ');
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static boolean looksLikeJson(byte[] bytes) {
        return bytes[0] == '{' || bytes[0] == '[';
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            return text.chars().allMatch(c -> c >= ' ' || c == '\n' || c == '\r' || c == '\t')
                    ? Optional.of(text) : Optional.empty();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static String hex(byte[] bytes) {
        String dump = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(bytes.length, HEX_SHOWN));
        return bytes.length > HEX_SHOWN ? dump + " … (" + bytes.length + " bytes)" : dump;
    }
}
