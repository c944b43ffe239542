package pier.protocol.mqtt;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;

/**
 * The server-to-client PUBLISH packets of one connection, within the limits its CONNECT set (v5 Receive
 * Maximum, Maximum Packet Size, Topic Alias Maximum). One sender at a time, so that batches taken from
 * the session in order are written in order.
 */
final class Outbound {

    private final MqttTransport transport;
    private final LongAdder sent;
    private final pier.resource.Connection presence;
    private final int version;
    private final int receiveMaximum;
    private final int maxPacket;
    private final int topicAliases;
    // guarded by the send lock
    private final Map<String, Integer> aliases = new HashMap<>();
    private final ReentrantLock sending = new ReentrantLock();

    Outbound(MqttTransport transport, LongAdder sent, pier.resource.Connection presence, int version,
             MqttProperties connect) {
        this.presence = presence;
        this.transport = transport;
        this.sent = sent;
        this.version = version;
        boolean v5 = version == 5;
        this.receiveMaximum = v5 ? Messages.intProperty(connect, MqttProperties.RECEIVE_MAXIMUM, 65_535) : 65_535;
        this.maxPacket = v5 ? Messages.intProperty(connect, MqttProperties.MAXIMUM_PACKET_SIZE, Integer.MAX_VALUE)
                : Integer.MAX_VALUE;
        this.topicAliases = v5 ? Messages.intProperty(connect, MqttProperties.TOPIC_ALIAS_MAXIMUM, 0) : 0;
    }

    /** Sends what the session has queued, as far as the receive maximum and the transport allow. */
    void pump(Session session) {
        boolean any = false;
        sending.lock();
        try {
            while (transport.writable()) {
                List<Session.Inflight> batch = session.next(receiveMaximum, 64, System.currentTimeMillis());
                if (batch.isEmpty()) {
                    break;
                }
                batch.forEach(delivery -> publish(session, delivery, false));
                any = true;
            }
        } finally {
            sending.unlock();
        }
        if (any) {
            transport.flush();
        }
    }

    /** Sends again what a resumed session had not seen acknowledged; a released QoS 2 id gets its PUBREL. */
    void resend(Session session, IntConsumer pubrel) {
        sending.lock();
        try {
            for (Session.Inflight delivery : session.unacknowledged()) {
                if (delivery.released) {
                    pubrel.accept(delivery.packetId);
                } else {
                    publish(session, delivery, true);
                }
            }
        } finally {
            sending.unlock();
        }
        transport.flush();
    }

    private void publish(Session session, Session.Inflight delivery, boolean duplicate) {
        Session.Pending pending = delivery.pending;
        Message message = pending.message();
        MqttProperties properties = version == 5 ? Messages.properties(message, pending.subscriptionIds(),
                pending.merged(), System.currentTimeMillis()) : MqttProperties.NO_PROPERTIES;
        if (Messages.estimatedSize(message, properties) > maxPacket) {
            // MQTT-3.1.2-25: never exceed the client's Maximum Packet Size; the message is discarded for it
            if (pending.qos() > 0) {
                session.acknowledged(delivery.packetId);
                session.received(delivery.packetId);
                session.completed(delivery.packetId);
            }
            return;
        }
        String topic = message.topic();
        if (topicAliases > 0) {
            Integer alias = aliases.get(topic);
            if (alias != null) {
                topic = "";
            } else if (aliases.size() < topicAliases) {
                alias = aliases.size() + 1;
                aliases.put(topic, alias);
            }
            if (alias != null) {
                if (properties == MqttProperties.NO_PROPERTIES) {
                    properties = new MqttProperties(); // the shared empty one is not ours to add to
                }
                properties.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, alias));
            }
        }
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, duplicate,
                MqttQoS.valueOf(pending.qos()), pending.retain(), 0);
        transport.send(new MqttPublishMessage(header, new MqttPublishVariableHeader(topic, delivery.packetId,
                properties), Unpooled.wrappedBuffer(message.payload())));
        sent.increment();
        presence.sent(message.payload().length);
    }
}
