package pier.protocol.mqtt;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;

import static pier.protocol.mqtt.ReasonCodes.*;

/**
 * PUBLISH from the client and the acknowledgements of both directions: topic aliases, QoS 2's
 * exactly-once flow, the receive maximum, and the answers (PUBACK, PUBREC, PUBREL, PUBCOMP).
 */
final class PublishHandler {

    private static final System.Logger LOG = System.getLogger(PublishHandler.class.getName());

    private final MqttConnection connection;
    private final MqttBroker broker;
    // inbound topic aliases (index = alias); outbound ones are Outbound's
    private final String[] aliases = new String[MqttConnection.TOPIC_ALIASES + 1];

    PublishHandler(MqttConnection connection, MqttBroker broker) {
        this.connection = connection;
        this.broker = broker;
    }

    void publish(MqttPublishMessage publish) {
        broker.received();
        Session session = connection.session;
        int qos = publish.fixedHeader().qosLevel().value();
        int packetId = publish.variableHeader().packetId();
        if (qos == 2 && session.hasUnreleasedQos2(packetId)) {
            connection.send(connection.reply(MqttMessageType.PUBREC, packetId, NORMAL)); // delivered already
            return;
        }
        // packets are handled in order and QoS 1 is acknowledged as it is handled, so what the client still
        // has outstanding here is its QoS 2 publishes whose PUBREL has not come: the PUBRECs owed for the
        // publishes before this one went out before the DISCONNECT does
        if (qos > 0 && session.unreleasedQos2() >= broker.settings.receiveMaximum()) {
            connection.disconnect(RECEIVE_MAXIMUM_EXCEEDED, "more than " + broker.settings.receiveMaximum()
                    + " unacknowledged");
            return;
        }
        String topic = topic(publish);
        if (topic == null) {
            return;
        }
        if (qos == 2) {
            session.receiveQos2(packetId);
        }
        Message message = Messages.fromProperties(topic, ByteBufUtil.getBytes(publish.content()), qos,
                publish.fixedHeader().isRetain(), publish.variableHeader().properties(), session.clientId);
        byte reason = broker.publish(message, connection.principal,
                message.contentType().or(connection.transport()::contentType), session);
        if (reason == NOT_AUTHORIZED) {
            // at QoS 0 the refusal has no answer: it is counted (pier_mqtt_denied_total) and logged
            broker.denied();
            LOG.log(System.Logger.Level.DEBUG, "{0} may not publish to {1}", connection.principal.name(), topic);
        }
        acknowledge(qos, packetId, reason);
    }

    private void acknowledge(int qos, int packetId, byte reason) {
        if (qos == 1) {
            connection.send(MqttMessageBuilders.pubAck().packetId(packetId)
                    .reasonCode(connection.version.ackReason(reason)).properties(MqttProperties.NO_PROPERTIES).build());
        } else if (qos == 2) {
            connection.send(connection.reply(MqttMessageType.PUBREC, packetId, reason));
        }
    }

    // the topic, through its alias when it has one; null after disconnecting for a bad one
    private String topic(MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        MqttProperties.MqttProperty<?> alias = connection.version.v5()
                ? publish.variableHeader().properties().getProperty(MqttProperties.TOPIC_ALIAS) : null;
        if (alias != null) {
            int number = (Integer) alias.value();
            if (number < 1 || number > MqttConnection.TOPIC_ALIASES) {
                connection.disconnect(TOPIC_ALIAS_INVALID, "topic alias " + number + " is not between 1 and "
                        + MqttConnection.TOPIC_ALIASES);
                return null;
            }
            if (topic == null || topic.isEmpty()) {
                topic = aliases[number];
                if (topic == null) {
                    connection.disconnect(PROTOCOL_ERROR, "topic alias " + number + " was never set");
                    return null;
                }
            } else {
                aliases[number] = topic;
            }
        }
        if (topic == null || !Topics.validName(topic)) {
            connection.disconnect(TOPIC_NAME_INVALID, "invalid topic name");
            return null;
        }
        return topic;
    }

    void pubrel(int packetId) {
        boolean known = connection.session.releaseQos2(packetId);
        connection.send(connection.reply(MqttMessageType.PUBCOMP, packetId, known ? NORMAL : PACKET_ID_NOT_FOUND));
    }

    void pubrec(int packetId) {
        if (connection.session.received(packetId)) {
            connection.send(connection.reply(MqttMessageType.PUBREL, packetId, NORMAL));
        } else if (connection.version.v5()) {
            connection.send(connection.reply(MqttMessageType.PUBREL, packetId, PACKET_ID_NOT_FOUND));
        }
    }

    /** A PUBACK or PUBCOMP: a delivery is done, and the next may go. */
    void acknowledged(boolean known) {
        if (known) {
            connection.pump();
        }
    }
}
