package pier.resource;

import java.util.Optional;

/**
 * One item of a subscription: a change of a record, a message published to it, the marker that the
 * current state has been sent, or a gap where events were dropped.
 *
 * @param type     what happened
 * @param id       the record's id (empty for {@code SYNCED} and {@code GAP})
 * @param record   the record after a {@code PUT}, or the message of a {@code MESSAGE}
 * @param version  the version the change made (0 for markers)
 * @param sequence the feed position: of the change, or up to which the state is complete ({@code SYNCED})
 */
public record Event(Type type, String id, Optional<Record> record, long version, long sequence) {

    /** The kinds of event. */
    public enum Type {
        /** A record was created or replaced (PUT, PATCH, POST); carries the whole record. */
        PUT,
        /** A record was deleted. */
        DELETE,
        /** A message was published to the record's topic without changing it. */
        MESSAGE,
        /** The current state has been delivered; changes follow. */
        SYNCED,
        /** Events were dropped because the subscriber fell behind. */
        GAP,
        /** A record stopped matching a live query (sent as a delete with reason {@code left}). */
        LEFT,
        /** A resume position is older than the retained feed: the current state follows instead. */
        RESET
    }

    /**
     * The marker that ends the initial state.
     *
     * @param position the feed position the state was taken at
     * @return the event
     */
    public static Event synced(long position) {
        return new Event(Type.SYNCED, "", Optional.empty(), 0, position);
    }
}
