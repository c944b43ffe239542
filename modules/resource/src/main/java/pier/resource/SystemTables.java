package pier.resource;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the database offers the server's own modules (security, MQTT) for their state: the system
 * tables they declared, written through the same write path as every table (versioned, in the change
 * feed), and messages kept in the feed alone, which no table holds.
 */
public interface SystemTables {

    /** A message in the feed: its position, what it is addressed to, its body. */
    record LoggedMessage(long position, String id, JsonNode body) {
    }

    /**
     * A system table.
     *
     * @param name its name, starting with {@code $}
     * @return the table
     * @throws IllegalArgumentException when no module declared it
     */
    Resource systemTable(String name);

    /**
     * Appends a message to the feed, durably.
     *
     * @param stream the name of the messages' stream (e.g. {@code $mqtt})
     * @param id     what it is addressed to (e.g. a topic)
     * @param body   the message
     * @return its feed position
     * @throws ResourceException of kind {@code UNAVAILABLE} when it cannot be made durable
     */
    long append(String stream, String id, JsonNode body);

    /** @return the position of the latest feed entry */
    long position();

    /**
     * The messages of a stream after a position, oldest first; close the stream.
     *
     * @param stream   the stream's name
     * @param position the position to read after
     * @return the messages the feed still holds
     */
    Stream<LoggedMessage> messagesAfter(String stream, long position);
}
