package pier.resource;

import java.util.Optional;

/**
 * One item of a subscription: a change of a record, a message published to it, the marker that the
 * current state has been sent, a gap where events were dropped, or a reset of the state. Each kind
 * carries exactly what it means; a protocol switches over them.
 */
public sealed interface Event {

    /** @return the record's id; empty for markers and for messages to a whole resource */
    String id();

    /** @return the version the change made; 0 for messages and markers */
    long version();

    /** @return the feed position: of the change, or up to which the state is complete */
    long sequence();

    /** @return the record after a put, or the message; empty for the other kinds */
    default Optional<Record> record() {
        return Optional.empty();
    }

    /**
     * A record was created or replaced (PUT, PATCH, POST); carries the whole record.
     *
     * @param value    the record, with its version and sequence
     * @param previous what it replaced, for a live change (a subscriber may ask to see it); empty for a
     *                 record that did not exist, and in a current state or a replay
     */
    record Put(Record value, Optional<Record> previous) implements Event {

        /**
         * A record without the value it replaced.
         *
         * @param value the record
         */
        public Put(Record value) {
            this(value, Optional.empty());
        }

        @Override
        public String id() {
            return value.id();
        }

        @Override
        public long version() {
            return value.version();
        }

        @Override
        public long sequence() {
            return value.sequence();
        }

        @Override
        public Optional<Record> record() {
            return Optional.of(value);
        }
    }

    /**
     * A record is gone for this subscriber.
     *
     * @param id       the record's id
     * @param version  the version the deletion made
     * @param sequence its feed position
     * @param reason   why
     */
    record Delete(String id, long version, long sequence, Reason reason) implements Event {
    }

    /** Why a record is gone for a subscriber. */
    enum Reason {
        /** It was deleted. */
        DELETED,
        /** It stopped matching a live query (sent as a delete with reason {@code left}). */
        LEFT,
        /** Its time ran out ({@code @expiresAt}, {@code @table(expiration:)}; sent with reason {@code expired}). */
        EXPIRED;

        /**
         * The reason as the protocols send it.
         *
         * @return {@code deleted}, {@code left} or {@code expired}
         */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A message was published to the record's topic (or the resource's) without changing it.
     *
     * @param value    the message, as a record with version 0
     * @param sequence the feed position when it was published
     */
    record Message(Record value, long sequence) implements Event {
        @Override
        public String id() {
            return value.id();
        }

        @Override
        public long version() {
            return 0;
        }

        @Override
        public Optional<Record> record() {
            return Optional.of(value);
        }
    }

    /**
     * The current state has been delivered; changes follow.
     *
     * @param sequence the feed position the state was taken at
     */
    record Synced(long sequence) implements Marker {
    }

    /**
     * Events were dropped because the subscriber fell behind.
     *
     * @param dropped  how many
     * @param sequence the position of the first event delivered after them
     */
    record Gap(long dropped, long sequence) implements Marker {
    }

    /**
     * The next event replaces changes to its record that the subscriber had not received yet (delivery
     * mode {@code latest}, {@link SubscribeOptions.Overflow#LATEST}).
     *
     * @param merged   how many changes it replaces
     * @param sequence the position of the event that follows
     */
    record Merged(long merged, long sequence) implements Marker {
    }

    /**
     * A resume position older than the retained feed: the current state follows instead of the changes.
     *
     * @param sequence the feed position the state is taken at
     */
    record Reset(long sequence) implements Marker {
    }

    /** A marker is about no record: no id, no version. */
    sealed interface Marker extends Event permits Synced, Gap, Merged, Reset {
        @Override
        default String id() {
            return "";
        }

        @Override
        default long version() {
            return 0;
        }
    }
}
