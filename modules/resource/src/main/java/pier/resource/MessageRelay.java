package pier.resource;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Carries the messages that no table keeps — notifications to a record, plain MQTT topics — to the other
 * nodes of a cluster, and theirs to this node. Records themselves travel as changes, not here. Outside
 * a cluster it is {@link #NONE}.
 */
public interface MessageRelay {

    /** No cluster: nothing leaves this node. */
    MessageRelay NONE = new MessageRelay() {
        @Override
        public void send(Relayed message) {
        }

        @Override
        public void receive(String channel, Consumer<Relayed> receiver) {
        }
    };

    /**
     * Hands a message published on this node to the other nodes; never waits for them.
     *
     * @param message the message
     */
    void send(Relayed message);

    /**
     * Says where the messages of a channel that other nodes publish go on this node.
     *
     * @param channel  the channel (e.g. {@code table} or {@code mqtt})
     * @param receiver called once per message from another node, in each node's order
     */
    void receive(String channel, Consumer<Relayed> receiver);

    /**
     * A message between nodes.
     *
     * @param channel     which part of the server it belongs to
     * @param topic       where it was published
     * @param qos         0: at most once (may be lost while nodes reconnect); 1 or more: at least once
     *                    within the cluster's message retention
     * @param retain      whether it was published as the topic's retained message
     * @param contentType the payload's format, when known
     * @param payload     the bytes
     * @param extra       what else the channel's owner needs, in its own encoding (MQTT: the message's
     *                    other properties); empty for none
     */
    record Relayed(String channel, String topic, int qos, boolean retain, Optional<String> contentType,
                   byte[] payload, byte[] extra) {

        /** A message with nothing besides its payload and format. */
        public Relayed(String channel, String topic, int qos, boolean retain, Optional<String> contentType,
                       byte[] payload) {
            this(channel, topic, qos, retain, contentType, payload, new byte[0]);
        }
    }
}
