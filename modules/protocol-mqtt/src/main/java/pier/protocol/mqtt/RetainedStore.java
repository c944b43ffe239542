package pier.protocol.mqtt;

import java.util.List;

/** Where retained messages of plain topics are kept durably. Calls block until durable. */
public interface RetainedStore {

    /** Every retained message, read once at start. */
    List<Message> loadAll();

    /** Keeps a message as its topic's retained one. */
    void put(Message message);

    /** Clears a topic's retained message. */
    void remove(String topic);

    /** A store that keeps nothing, for tests of the session engine alone. */
    RetainedStore NONE = new RetainedStore() {
        @Override
        public List<Message> loadAll() {
            return List.of();
        }

        @Override
        public void put(Message message) {
        }

        @Override
        public void remove(String topic) {
        }
    };
}
