package pier.protocol.mqtt;

import java.util.Optional;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;

import pier.protocol.WebSocketSubProtocol;
import pier.resource.Principal;

/**
 * MQTT over WebSocket (sub-protocol {@code mqtt}): the same broker and session engine as TCP, with
 * Netty's codec run in an embedded channel per connection. The upgrade's {@code Accept} is the
 * connection's outgoing format unless a v5 CONNECT asks for another, its {@code Content-Type} the format
 * of payloads that name none, and its credentials the user of a CONNECT that names none.
 */
public final class MqttWebSocket implements WebSocketSubProtocol {

    private final MqttBroker broker;

    /**
     * The sub-protocol of a broker.
     *
     * @param broker the broker its connections join
     */
    public MqttWebSocket(MqttBroker broker) {
        this.broker = broker;
    }

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public Connection open(Peer peer, Handshake handshake) {
        Transport transport = new Transport(peer, handshake, broker.settings.maxPacketSize());
        transport.connection = broker.connect(transport);
        return transport;
    }

    /** One WebSocket's codec and its link to the broker; the codec is used under one lock. */
    private static final class Transport implements MqttTransport, Connection {

        private final Peer peer;
        private final Handshake handshake;
        private final EmbeddedChannel codec;
        private MqttConnection connection;
        private boolean ended;

        Transport(Peer peer, Handshake handshake, int maxPacketSize) {
            this.peer = peer;
            this.handshake = handshake;
            this.codec = new EmbeddedChannel(new PacketCheck(maxPacketSize), new MqttDecoder(maxPacketSize, 65_535, true),
                    MqttEncoder.INSTANCE);
        }

        @Override
        public void receive(byte[] data) {
            java.util.List<MqttMessage> decoded = new java.util.ArrayList<>();
            synchronized (codec) {
                codec.writeInbound(Unpooled.wrappedBuffer(data));
                for (Object message = codec.readInbound(); message != null; message = codec.readInbound()) {
                    if (message instanceof MqttPublishMessage publish) {
                        // the broker keeps payloads: copy them out of the channel's buffer
                        MqttPublishMessage copy = publish.replace(Unpooled.wrappedBuffer(
                                ByteBufUtil.getBytes(publish.content())));
                        publish.release();
                        decoded.add(copy);
                    } else {
                        decoded.add((MqttMessage) message);
                    }
                }
            }
            decoded.forEach(connection::receive);
        }

        @Override
        public void drained() {
            connection.writable();
        }

        @Override
        public void closed() {
            connection.transportClosed();
            synchronized (codec) {
                ended = true;
                codec.finishAndReleaseAll();
            }
        }

        @Override
        public void send(MqttMessage message) {
            // encoded and sent under one lock, so that frames leave in the order they were encoded
            synchronized (codec) {
                if (ended) {
                    // the socket is gone; what the connection still says goes nowhere
                    io.netty.util.ReferenceCountUtil.release(message);
                    return;
                }
                codec.writeOutbound(message);
                ByteBuf encoded = codec.readOutbound();
                if (encoded == null) {
                    return;
                }
                byte[] frame = ByteBufUtil.getBytes(encoded);
                encoded.release();
                peer.send(frame);
            }
        }

        @Override
        public void flush() {
            // every frame is queued for the client when sent
        }

        @Override
        public boolean writable() {
            return peer.writable();
        }

        @Override
        public void pauseReading(boolean paused) {
            // a WebSocket listener thread reads one frame at a time; the broker's queue bounds the rest
        }

        @Override
        public void close() {
            peer.close(1000, "");
        }

        @Override
        public String protocol() {
            return pier.resource.Connections.MQTT_WEBSOCKET;
        }

        @Override
        public String remoteAddress() {
            return peer.remoteAddress();
        }

        @Override
        public Optional<String> accept() {
            return handshake.accept();
        }

        @Override
        public Optional<String> contentType() {
            return handshake.contentType();
        }

        @Override
        public Optional<Principal> authenticated() {
            return handshake.principal();
        }
    }
}
