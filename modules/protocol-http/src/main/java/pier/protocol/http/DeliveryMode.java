package pier.protocol.http;

import java.util.ArrayList;
import java.util.List;

import pier.resource.Outgoing;
import pier.resource.ResourceException;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

/**
 * How a WebSocket or an event stream delivers, named by the query parameter {@code delivery}: every
 * event ({@code every}, the default), or the newest of each record ({@code latest}) once the client falls
 * behind, each event then saying with {@code merged} how many changes it stands for.
 */
enum DeliveryMode {
    EVERY, LATEST;

    private static final String PARAMETER = "delivery=";

    /** A raw query without its delivery parameter, and the mode it named. */
    record Parsed(String query, DeliveryMode mode) {
    }

    /**
     * Takes {@code delivery=…} out of a raw query (a part of it joined with {@code &}).
     *
     * @throws ResourceException (bad request) for a mode that is neither {@code every} nor {@code latest}
     */
    static Parsed parse(String rawQuery) {
        DeliveryMode mode = EVERY;
        List<String> rest = new ArrayList<>();
        for (String part : rawQuery.split("&", -1)) {
            if (!part.startsWith(PARAMETER)) {
                rest.add(part);
                continue;
            }
            mode = switch (part.substring(PARAMETER.length())) {
                case "every" -> EVERY;
                case "latest" -> LATEST;
                default -> throw ResourceException.badRequest("delivery must be every or latest, not "
                        + part.substring(PARAMETER.length()), "delivery");
            };
        }
        return new Parsed(String.join("&", rest), mode);
    }

    /** A subscriber's stream delivered in this mode. */
    Subscription apply(Subscription stream) {
        if (this == EVERY) {
            return stream;
        }
        Outgoing latest = new Outgoing(SubscribeOptions.DEFAULT.capacity(), SubscribeOptions.Overflow.LATEST);
        latest.follow(stream);
        return latest;
    }
}
