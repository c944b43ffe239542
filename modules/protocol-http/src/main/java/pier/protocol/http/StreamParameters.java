package pier.protocol.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import pier.resource.Replay;
import pier.resource.ResourceException;

/**
 * The parameters of a WebSocket's or an event stream's URL that are not its query: {@code delivery}
 * ({@code every} or {@code latest}), the replay of {@code previousCount} changes or of those since
 * {@code startTime}, and {@code previous=true} for changes that carry the value they replaced. Anything
 * wrong is refused before the upgrade or the stream's first byte.
 *
 * @param query    the rest of the raw query, for the query parser
 * @param delivery how events are delivered
 * @param replay   what to replay before going live
 * @param previous whether a change carries the value it replaced
 */
record StreamParameters(String query, DeliveryMode delivery, Optional<Replay> replay, boolean previous) {

    /** A stream without parameters. */
    static final StreamParameters NONE = new StreamParameters("", DeliveryMode.EVERY, Optional.empty(), false);

    /**
     * Takes the stream's parameters out of a raw query (parts joined with {@code &}).
     *
     * @throws ResourceException (bad request) naming the parameter at fault
     */
    static StreamParameters parse(String rawQuery) {
        DeliveryMode delivery = DeliveryMode.EVERY;
        String previousCount = null;
        String startTime = null;
        boolean previous = false;
        List<String> rest = new ArrayList<>();
        for (String part : rawQuery.split("&", -1)) {
            int equals = part.indexOf('=');
            String name = equals < 0 ? part : part.substring(0, equals);
            String value = equals < 0 ? "" : URLDecoder.decode(part.substring(equals + 1), StandardCharsets.UTF_8);
            switch (name) {
                case "delivery" -> delivery = switch (value) {
                    case "every" -> DeliveryMode.EVERY;
                    case "latest" -> DeliveryMode.LATEST;
                    default -> throw ResourceException.badRequest("delivery must be every or latest, not " + value,
                            "delivery");
                };
                case "previousCount" -> previousCount = value;
                case "startTime" -> startTime = value;
                case "previous" -> previous = switch (value) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw ResourceException.badRequest("previous must be true or false, not " + value,
                            "previous");
                };
                default -> rest.add(part);
            }
        }
        return new StreamParameters(String.join("&", rest), delivery, Replay.parse(previousCount, startTime),
                previous);
    }
}
