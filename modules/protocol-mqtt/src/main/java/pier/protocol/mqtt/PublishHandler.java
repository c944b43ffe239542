package pier.protocol.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;

import static pier.protocol.mqtt.ReasonCodes.*;

/**
 * PUBLISH from the client and the acknowledgements of both directions: topic aliases, QoS 2's
 * exactly-once flow, the receive maximum, the answers (PUBACK, PUBREC, PUBREL, PUBCOMP), pipelined
 * writes (see {@link Acknowledgements}) and flow control towards subscribers that fall behind.
 */
final class PublishHandler {

    private static final System.Logger LOG = System.getLogger(PublishHandler.class.getName());

    private static final CompletableFuture<Byte> DELIVERED = CompletableFuture.completedFuture(NORMAL);

    private final MqttConnection connection;
    private final MqttBroker broker;
    private final Acknowledgements acks;
    // connected subscribers past their high-water mark, reused from publish to publish
    private final List<Session> congested = new ArrayList<>();
    // inbound topic aliases (index = alias); outbound ones are Outbound's
    private final String[] aliases = new String[MqttConnection.TOPIC_ALIASES + 1];

    PublishHandler(MqttConnection connection, MqttBroker broker) {
        this.connection = connection;
        this.broker = broker;
        this.acks = new Acknowledgements(connection);
    }

    void publish(MqttPublishMessage publish) throws InterruptedException {
        broker.received();
        Session session = connection.session;
        int qos = publish.fixedHeader().qosLevel().value();
        int packetId = publish.variableHeader().packetId();
        if (qos == 2 && session.hasUnreleasedQos2(packetId)) {
            acks.owe(2, packetId, DELIVERED); // delivered already
            return;
        }
        int receiveMaximum = broker.settings.receiveMaximum();
        // what the client has unacknowledged here: publishes whose answers wait for their writes, and QoS 2
        // ones whose PUBREL has not come; the answers owed before a DISCONNECT go out before it
        if (qos > 0 && connection.version.v5() && acks.unansweredQos1() + session.unreleasedQos2() >= receiveMaximum) {
            connection.disconnect(RECEIVE_MAXIMUM_EXCEEDED, "more than " + receiveMaximum + " unacknowledged");
            return;
        }
        // a v3 client knows no receive maximum, and QoS 0 writes have no answer: both wait for room
        acks.awaitRoom(receiveMaximum);
        String topic = topic(publish);
        if (topic == null) {
            return;
        }
        if (qos == 2) {
            session.receiveQos2(packetId);
        }
        Message message = Messages.fromProperties(topic, ByteBufUtil.getBytes(publish.content()), qos,
                publish.fixedHeader().isRetain(), publish.variableHeader().properties(), session.clientId);
        CompletableFuture<Byte> reason = broker.publish(message, connection.principal,
                message.contentType().or(connection.transport()::contentType), session, congested::add);
        answer(qos, packetId, topic, reason);
        awaitCongested();
    }

    /**
     * Handles a PUBLISH at once, on the transport's thread, when nothing can make it wait: QoS 0 or 1, not
     * retained, to a plain topic by its name (no alias), with room for its answer, reaching no durable session
     * that would log it. Otherwise does nothing and returns false: the connection's thread handles it.
     * Subscribers it fed past their high-water mark are then {@link #congested}.
     */
    boolean publishAtOnce(MqttPublishMessage publish) {
        int qos = publish.fixedHeader().qosLevel().value();
        String topic = publish.variableHeader().topicName();
        int receiveMaximum = broker.settings.receiveMaximum();
        Session session = connection.session;
        if (qos == 2 || publish.fixedHeader().isRetain() || topic == null || topic.isEmpty()
                || connection.version.v5() && publish.variableHeader().properties()
                .getProperty(MqttProperties.TOPIC_ALIAS) != null
                || !acks.hasRoom(receiveMaximum) || acks.unansweredQos1() + session.unreleasedQos2() >= receiveMaximum
                || !Topics.validName(topic)) {
            return false;
        }
        Message message = Messages.fromProperties(topic, ByteBufUtil.getBytes(publish.content()), qos, false,
                publish.variableHeader().properties(), session.clientId);
        Optional<CompletableFuture<Byte>> reason = broker.publishAtOnce(message, connection.principal,
                congested::add);
        if (reason.isEmpty()) {
            return false;
        }
        broker.received();
        answer(qos, publish.variableHeader().packetId(), topic, reason.get());
        return true;
    }

    /** Whether the last publish fed connected subscribers past their high-water mark. */
    boolean congested() {
        return !congested.isEmpty();
    }

    private void answer(int qos, int packetId, String topic, CompletableFuture<Byte> reason) {
        if (reason.isDone() && reason.join() == NOT_AUTHORIZED) {
            // at QoS 0 the refusal has no answer: it is counted (pier_mqtt_denied_total) and logged
            broker.denied();
            LOG.log(System.Logger.Level.DEBUG, "{0} may not publish to {1}", connection.principal.name(), topic);
        }
        acks.owe(qos, packetId, reason);
    }

    /**
     * Flow control: this publisher reads on once every connected subscriber it fed past its high-water mark
     * has room again; one that stays stalled past the limit is disconnected, and never makes this one wait
     * longer.
     */
    void awaitCongested() throws InterruptedException {
        if (congested.isEmpty()) {
            return;
        }
        Duration limit = broker.settings.stallLimit();
        long deadline = System.nanoTime() + limit.toNanos();
        for (Session subscriber : congested) {
            if (!subscriber.awaitRoom(deadline)) {
                MqttConnection stalled = subscriber.connection();
                if (stalled != null) {
                    stalled.disconnect(QUOTA_EXCEEDED, "stalled: reads too slowly for " + limit.toMillis()
                            + " ms while " + subscriber.queued() + " messages wait");
                }
            }
        }
        congested.clear();
    }

    /** Waits until every write of this connection's publishes so far is durable, before it ends. */
    void awaitWrites() throws InterruptedException {
        acks.awaitWrites();
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
