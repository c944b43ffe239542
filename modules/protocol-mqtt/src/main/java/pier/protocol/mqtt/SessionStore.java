package pier.protocol.mqtt;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where durable sessions outlive the server: their subscriptions and a cursor in a durable message
 * log, which holds the QoS 1 and 2 messages a durable session could need while it is away. Calls block
 * until durable.
 */
public interface SessionStore {

    /**
     * A durable session as kept.
     *
     * @param clientId       the client id
     * @param owner          the user whose session it is (empty for sessions kept before owners were)
     * @param subscriptions  its subscriptions
     * @param expiryMillis   how long it is kept after a disconnect
     * @param cursor         the log position up to which every message is delivered
     * @param disconnectedAt when its client went away (epoch ms), 0 while connected
     */
    record Stored(String clientId, String owner, List<Subscription> subscriptions, long expiryMillis, long cursor,
                  long disconnectedAt) {
        /** Copies the subscriptions. */
        public Stored {
            subscriptions = List.copyOf(subscriptions);
        }
    }

    /** Every kept session, read once at start. */
    List<Stored> loadAll();

    /** Keeps or replaces a session. */
    void save(Stored session);

    /** Forgets a session. */
    void remove(String clientId);

    /** Appends a message to the log; returns its position. */
    long append(Message message);

    /** The log's latest position. */
    long position();

    /** The messages after a position, in order, each with its position; close the stream when done. */
    Stream<Map.Entry<Long, Message>> after(long position);

    /** A store that keeps nothing: sessions live as long as the process. */
    SessionStore NONE = new SessionStore() {
        @Override
        public List<Stored> loadAll() {
            return List.of();
        }

        @Override
        public void save(Stored session) {
        }

        @Override
        public void remove(String clientId) {
        }

        @Override
        public long append(Message message) {
            return 0;
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        public Stream<Map.Entry<Long, Message>> after(long position) {
            return Stream.empty();
        }
    };
}
