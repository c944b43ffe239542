package pier.protocol.http;

import java.util.Optional;

import pier.query.PercentDecoding;
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

    private static String decode(String raw) {
        try {
            return PercentDecoding.decode(raw);
        } catch (PercentDecoding.MalformedException e) {
            throw ResourceException.badRequest("the path: " + e.getMessage(), "path");
        }
    }
}
