package pier.protocol.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import pier.resource.ResourceException;

/**
 * What a request path addresses: the list of resources ({@code /}), a resource itself ({@code /T}),
 * its collection ({@code /T/}) or one record ({@code /T/id}, ids may contain {@code /}); a suffix
 * {@code .json}, {@code .cbor}, {@code .msgpack} or {@code .csv} on the last segment forces the format.
 *
 * @param kind         what is addressed
 * @param resource     the resource's name (empty for the root)
 * @param id           the record's id, decoded
 * @param forcedFormat the media type a suffix forces
 */
record Target(Kind kind, String resource, Optional<String> id, Optional<String> forcedFormat) {

    enum Kind { ROOT, RESOURCE, COLLECTION, RECORD }

    static Target parse(String rawPath) {
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        if (path.isEmpty()) {
            return new Target(Kind.ROOT, "", Optional.empty(), Optional.empty());
        }
        int slash = path.indexOf('/');
        if (slash < 0) {
            return new Target(Kind.RESOURCE, decode(path), Optional.empty(), Optional.empty());
        }
        String resource = decode(path.substring(0, slash));
        String rest = path.substring(slash + 1);
        Optional<String> format = Optional.empty();
        for (String[] suffix : SUFFIXES) {
            if (rest.endsWith(suffix[0])) {
                format = Optional.of(suffix[1]);
                rest = rest.substring(0, rest.length() - suffix[0].length());
                break;
            }
        }
        return rest.isEmpty() ? new Target(Kind.COLLECTION, resource, Optional.empty(), format)
                : new Target(Kind.RECORD, resource, Optional.of(decode(rest)), format);
    }

    private static final String[][] SUFFIXES = {{".json", "application/json"}, {".cbor", "application/cbor"},
        {".msgpack", "application/x-msgpack"}, {".csv", "text/csv"}};

    /**
     * Percent-decoding only ('+' is a plus in a path), strictly: bytes that are not UTF-8 ({@code %ff},
     * the overlong {@code %c0%af}) are refused rather than all read as U+FFFD, which would make different
     * paths one record.
     */
    private static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
            if (low < 0) {
                throw ResourceException.badRequest("'%' in the path must be followed by two hex digits", "path");
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ResourceException.badRequest("the path is not UTF-8 once percent-decoded", "path");
        }
    }
}
