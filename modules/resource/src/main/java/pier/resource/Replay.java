package pier.resource;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;

/**
 * What a subscription replays from the change feed before it goes on live, instead of the current state:
 * the last {@code previousCount} changes, or every change since {@code startTime} (the reference system's
 * parameters, on WebSocket and event-stream URLs and as MQTT 5 SUBSCRIBE user properties).
 *
 * @param previousCount how many of the latest changes, or 0
 * @param startTime     from when, or empty
 */
public record Replay(int previousCount, Optional<Instant> startTime) {

    /** Refuses a replay that asks for nothing or for two things. */
    public Replay {
        if (previousCount < 0 || (previousCount == 0) == startTime.isEmpty()) {
            throw ResourceException.badRequest("a replay takes previousCount (a positive number) or startTime (a time),"
                    + " not both", "previousCount");
        }
    }

    /**
     * Reads the parameters as clients give them.
     *
     * @param previousCount a positive whole number, or null
     * @param startTime     ISO-8601 or milliseconds since 1970, or null
     * @return the replay, empty when neither is given
     * @throws ResourceException (bad request) naming the parameter at fault
     */
    public static Optional<Replay> parse(String previousCount, String startTime) {
        if (previousCount == null && startTime == null) {
            return Optional.empty();
        }
        int count = 0;
        if (previousCount != null) {
            try {
                count = Integer.parseInt(previousCount);
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (count <= 0) {
                throw ResourceException.badRequest("previousCount must be a positive whole number, not " + previousCount,
                        "previousCount");
            }
        }
        return Optional.of(new Replay(count, Optional.ofNullable(startTime).map(Replay::time)));
    }

    private static Instant time(String text) {
        try {
            return text.chars().allMatch(Character::isDigit) && !text.isEmpty() ? Instant.ofEpochMilli(Long.parseLong(text))
                    : Instant.parse(text);
        } catch (DateTimeException | NumberFormatException e) {
            throw ResourceException.badRequest("startTime must be an ISO-8601 time or milliseconds since 1970, not "
                    + text, "startTime");
        }
    }
}
