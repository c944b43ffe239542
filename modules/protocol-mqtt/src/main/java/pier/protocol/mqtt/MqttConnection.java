package pier.protocol.mqtt;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;

import pier.resource.Principal;

import static pier.protocol.mqtt.ReasonCodes.*;

/**
 * One network connection's protocol state, and its life: packets arrive on the transport's thread and
 * are handled in order on a virtual thread of the connection's own, where waiting (credential checks,
 * durable retained writes) harms no one; sending never blocks. What each packet family means is its
 * handler's ({@link ConnectHandler}, {@link PublishHandler}, {@link SubscribeHandler}); this class
 * dispatches, keeps the connection alive, and ends it once, however it ends.
 */
public final class MqttConnection {

    private static final System.Logger LOG = System.getLogger(MqttConnection.class.getName());
    private static final MqttMessage STOP = new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false,
            MqttQoS.AT_MOST_ONCE, false, 0));
    // the transport's end, queued behind the packets that came before it (a DISCONNECT among them)
    private static final MqttMessage LOST = new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false,
            MqttQoS.AT_MOST_ONCE, false, 0));
    // a PUBLISH handled at once fed subscribers that are behind: the connection's thread waits for them
    private static final MqttMessage CONGESTED = new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false,
            MqttQoS.AT_MOST_ONCE, false, 0));
    private static final int INBOX_HIGH = 256;
    static final int TOPIC_ALIASES = 16;

    private final MqttBroker broker;
    private final MqttTransport transport;
    private final BlockingQueue<MqttMessage> inbox = new LinkedBlockingQueue<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean pumping = new AtomicBoolean();
    // packets in the inbox or in the hands of the connection's thread
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private final ConnectHandler connects;
    private final PublishHandler publishes;
    private final SubscribeHandler subscriptions;
    private volatile boolean connected;
    private final Object reading = new Object();
    private boolean paused; // guarded by reading
    private volatile long lastReceived = System.nanoTime();

    // what CONNECT settled, set by the ConnectHandler and read by the other handlers and by the end
    ProtocolVersion version = ProtocolVersion.UNKNOWN;
    Session session;
    Principal principal;
    pier.codec.Codec outgoing;
    volatile Outbound outbound;
    /** This connection in {@code $connections}, once CONNECT is accepted. */
    volatile pier.resource.Connection presence;
    volatile long keepAliveNanos;
    // read by whichever thread ends the connection
    volatile Will will;
    volatile long willDelayMillis;
    volatile long expiryMillis;
    /** Ends this connection's place in its user's quota. */
    volatile Runnable releaseConnection = () -> { };

    MqttConnection(MqttBroker broker, MqttTransport transport) {
        this.broker = broker;
        this.transport = transport;
        this.connects = new ConnectHandler(this, broker, transport);
        this.publishes = new PublishHandler(this, broker);
        this.subscriptions = new SubscribeHandler(this, broker);
        Thread.ofVirtual().name("mqtt-" + transport.remoteAddress()).start(this::run);
    }

    /**
     * A packet the transport decoded. PUBLISH payloads must be heap-backed copies, owned by the broker.
     *
     * @param message the packet
     */
    public void receive(MqttMessage message) {
        lastReceived = System.nanoTime();
        pier.resource.Connection present = presence;
        if (present != null && message instanceof MqttPublishMessage publish) {
            present.received(publish.payload().readableBytes());
        }
        if (connected && (answersDelivery(message) || publishedAtOnce(message))) {
            return;
        }
        enqueue(message);
    }

    private void enqueue(MqttMessage message) {
        queued.incrementAndGet();
        inbox.add(message);
        if (inbox.size() > INBOX_HIGH) {
            pauseReading();
        }
    }

    // both threads pause and resume reading: the flag and the transport's state change together
    private void pauseReading() {
        synchronized (reading) {
            if (!paused) {
                paused = true;
                transport.pauseReading(true);
            }
        }
    }

    // reading resumes once the inbox is down to half, and no wait for congested subscribers is pending
    private void resumeReading() {
        synchronized (reading) {
            if (paused && inbox.size() < INBOX_HIGH / 2 && !inbox.contains(CONGESTED)) {
                paused = false;
                transport.pauseReading(false);
            }
        }
    }

    /**
     * A PUBLISH that nothing can make wait (see {@link PublishHandler#publishAtOnce}) is handled here, when no
     * packet before it is still with the connection's thread: no hand-over, and its answer is written with
     * the others of the transport's read. When it fed subscribers that are behind, reading stops until the
     * connection's thread has waited for them.
     */
    private boolean publishedAtOnce(MqttMessage message) {
        if (queued.get() > 0 || ended.get() || !(message instanceof MqttPublishMessage publish)
                || message.decoderResult() != null && message.decoderResult().isFailure()
                || !publishes.publishAtOnce(publish)) {
            return false;
        }
        if (publishes.congested()) {
            synchronized (reading) { // the connection's thread resumes reading only once the marker is taken
                enqueue(CONGESTED);
                pauseReading();
            }
        }
        return true;
    }

    /**
     * PUBACK, PUBREC and PUBCOMP concern only what the server sends: they are handled at once, on the
     * transport's thread, so that deliveries go on while this connection's own publishes wait (for
     * durability, or for a subscriber's room).
     */
    private boolean answersDelivery(MqttMessage message) {
        DecoderResult result = message.decoderResult();
        if (result != null && result.isFailure() || ended.get()) {
            return false;
        }
        switch (message.fixedHeader().messageType()) {
            case PUBACK -> publishes.acknowledged(session.acknowledged(packetId(message)));
            case PUBREC -> {
                publishes.pubrec(packetId(message));
                transport.flush();
            }
            case PUBCOMP -> publishes.acknowledged(session.completed(packetId(message)));
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The transport can take more again. */
    public void writable() {
        pump();
    }

    /** The transport lost the connection. */
    public void transportClosed() {
        enqueue(LOST);
    }

    boolean established() {
        return connected && !ended.get();
    }

    MqttTransport transport() {
        return transport;
    }

    private void run() {
        try {
            while (!ended.get()) {
                MqttMessage message = inbox.take();
                if (message == STOP) {
                    return;
                }
                if (message == LOST) {
                    if (end(true, "connection lost")) {
                        LOG.log(System.Logger.Level.DEBUG, "mqtt {0} ({1}): connection lost", transport.remoteAddress(),
                                clientId());
                    }
                    return;
                }
                if (message == CONGESTED) {
                    publishes.awaitCongested();
                } else {
                    handleSafely(message);
                }
                queued.decrementAndGet();
                resumeReading();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handleSafely(MqttMessage message) throws InterruptedException {
        try {
            handle(message);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // Netty rethrows checked exceptions unchecked; none may end this thread without a goodbye
            LOG.log(System.Logger.Level.WARNING, "mqtt " + transport.remoteAddress() + ": " + e, e);
            disconnect(UNSPECIFIED, "internal error");
        }
    }

    private void handle(MqttMessage message) throws InterruptedException {
        DecoderResult result = message.decoderResult();
        if (result != null && result.isFailure()) {
            malformed(result.cause());
            return;
        }
        MqttMessageType type = message.fixedHeader().messageType();
        if (!connected) {
            if (type == MqttMessageType.CONNECT) {
                connects.connect((MqttConnectMessage) message);
            } else {
                close(); // MQTT-3.1.0-1: the first packet must be CONNECT
            }
            return;
        }
        switch (type) {
            case PUBLISH -> publishes.publish((MqttPublishMessage) message);
            case PUBACK -> publishes.acknowledged(session.acknowledged(packetId(message)));
            case PUBREC -> publishes.pubrec(packetId(message));
            case PUBREL -> publishes.pubrel(packetId(message));
            case PUBCOMP -> publishes.acknowledged(session.completed(packetId(message)));
            case SUBSCRIBE -> subscriptions.subscribe((MqttSubscribeMessage) message);
            case UNSUBSCRIBE -> subscriptions.unsubscribe((MqttUnsubscribeMessage) message);
            case PINGREQ -> send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false,
                    MqttQoS.AT_MOST_ONCE, false, 0)));
            case DISCONNECT -> clientDisconnect(message);
            case CONNECT -> disconnect(PROTOCOL_ERROR, "a second CONNECT");
            default -> disconnect(PROTOCOL_ERROR, type + " is not expected from a client");
        }
        if (type != MqttMessageType.PUBLISH) {
            transport.flush(); // a PUBLISH's answer is flushed with the others owed (see Acknowledgements)
        }
    }

    /** CONNECT succeeded: the CONNACK, then what the session kept, then the feeds of its record topics. */
    void accepted(SessionRegistry.Opened opened, MqttConnAckMessage connAck) {
        session = opened.session();
        send(connAck);
        connected = true;
        if (opened.present()) {
            broker.sessions.replay(session);
        }
        if (session.startFeeds()) {
            // a session restored after a restart subscribes to its record topics again, current records first
            session.subscriptions().forEach(s -> subscriptions.startFeeds(s, true));
        }
        // a resumed session first sends again what was not acknowledged, then what waited
        outbound.resend(session, packetId -> send(reply(MqttMessageType.PUBREL, packetId, NORMAL)));
        pump();
    }

    void refuse(MqttConnectReturnCode code, String reason) {
        send(MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false)
                .properties(version.reasonString(reason)).build());
        close();
    }

    /**
     * Sends what the session has queued, as far as the client's receive maximum and the transport allow:
     * soon, on the transport's thread, once for all the calls made meanwhile.
     */
    void pump() {
        if (session != null && connected && !ended.get() && pumping.compareAndSet(false, true)) {
            transport.execute(this::pumpNow);
        }
    }

    private void pumpNow() {
        pumping.set(false); // before taking: what is queued while this runs is sent by the next run
        Session current = session;
        if (current != null && connected && !ended.get()) {
            outbound.pump(current);
        }
    }

    /** After users or roles changed: the subscriptions are checked again (see {@link SubscribeHandler}). */
    void recheckAccess() {
        if (session != null && connected && !ended.get()) {
            subscriptions.recheckAccess();
        }
    }

    // --- ending ------------------------------------------------------------------------------------

    private void clientDisconnect(MqttMessage message) throws InterruptedException {
        publishes.awaitWrites(); // the answers owed go out before the socket closes
        byte reason = NORMAL;
        if (version.v5() && message.variableHeader()
                instanceof io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader header) {
            reason = header.reasonCode();
            MqttProperties.MqttProperty<?> expiry = header.properties()
                    .getProperty(MqttProperties.SESSION_EXPIRY_INTERVAL);
            if (expiry != null) {
                long requested = Integer.toUnsignedLong((Integer) expiry.value()) * 1000;
                if (expiryMillis == 0 && requested != 0) {
                    disconnect(PROTOCOL_ERROR, "session expiry cannot be set after connecting with 0");
                    return;
                }
                expiryMillis = Math.min(requested, broker.settings.maxSessionExpiry().toMillis());
                session.expiry(expiryMillis);
            }
        }
        if (reason != WITH_WILL) {
            will = null; // before the socket closes: the transport's own end may come first
        }
        try {
            closeTransport();
        } finally {
            end(reason == WITH_WILL, reason == WITH_WILL ? "client disconnected with its will"
                    : "client disconnected");
        }
    }

    void takenOver() {
        disconnect(SESSION_TAKEN_OVER, "another connection took over the session");
    }

    void serverShutdown() {
        try {
            if (version.v5() && connected) {
                send(MqttMessageBuilders.disconnect().reasonCode(SERVER_SHUTTING_DOWN).build());
            }
            closeTransport();
        } finally {
            end(false, "server shutting down");
        }
    }

    void checkKeepAlive(long now) {
        if (keepAliveNanos > 0 && connected && !ended.get() && now - lastReceived > keepAliveNanos) {
            disconnect(KEEP_ALIVE_TIMEOUT, "keep alive timeout");
        } else if (!connected && !ended.get() && now - lastReceived > TimeUnit.SECONDS.toNanos(30)) {
            close(); // no CONNECT within 30 s
        }
    }

    /**
     * Closes because of a problem: v5 clients get a DISCONNECT with the reason, after everything sent before
     * it (acknowledgements owed); the will is published. Says so once in the log, without a stack trace.
     */
    void disconnect(byte reason, String why) {
        try {
            if (version.v5() && connected) {
                send(MqttMessageBuilders.disconnect().reasonCode(reason).properties(version.reasonString(why)).build());
            }
            closeTransport();
        } finally {
            if (end(true, why)) {
                // a client going away is ordinary: one line, at debug level, however many go
                LOG.log(System.Logger.Level.DEBUG, "mqtt {0} ({1}): disconnected, {2}", transport.remoteAddress(),
                        clientId(), why);
            }
        }
    }

    private String clientId() {
        Session current = session;
        return current == null ? "no CONNECT" : current.clientId;
    }

    // a transport that is already gone may fail to write or close: the connection ends all the same
    private void closeTransport() {
        try {
            transport.flush();
            transport.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "mqtt {0}: closing a broken transport: {1}", transport.remoteAddress(),
                    e.toString());
        }
    }

    private void malformed(Throwable cause) {
        if (cause instanceof PacketCheck.Violation violation) {
            if (connected) {
                disconnect(violation.reason(), "malformed packet: " + violation.getMessage());
            } else if (violation.version5()) {
                version = new ProtocolVersion(5);
                refuse(violation.reason() == MALFORMED ? MqttConnectReturnCode.CONNECTION_REFUSED_MALFORMED_PACKET
                        : MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR, violation.getMessage());
            } else {
                close();
            }
            return;
        }
        if (!connected) {
            if (cause instanceof MqttUnacceptableProtocolVersionException) {
                send(MqttMessageBuilders.connAck().returnCode(
                        MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION).build());
            } else if (cause instanceof MqttIdentifierRejectedException) {
                send(MqttMessageBuilders.connAck().returnCode(
                        MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED).build());
            }
            close();
            return;
        }
        String problem = String.valueOf(cause.getMessage());
        // Netty's decoder checks MQTT-3.3.2-2 itself; its message is the only sign of which rule broke
        byte reason = cause instanceof TooLongFrameException ? PACKET_TOO_LARGE
                : problem.contains("invalid publish topic name") ? TOPIC_NAME_INVALID : MALFORMED;
        disconnect(reason, "malformed packet: " + problem);
    }

    void close() {
        try {
            closeTransport();
        } finally {
            end(false, "closed by the server");
        }
    }

    /** A message for this connection's client was dropped from its full session queue. */
    void dropped() {
        pier.resource.Connection present = presence;
        if (present != null) {
            present.dropped(1);
        }
    }

    // runs once, from whichever thread sees the end first; returns whether this call ended the connection
    private boolean end(boolean abnormal, String why) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        inbox.add(STOP);
        broker.closed(this);
        releaseConnection.run();
        subscriptions.release();
        pier.resource.Connection present = presence;
        if (present != null) {
            present.close(why, abnormal && will != null);
        }
        Session current = session;
        if (current != null && current.detach(this)) {
            broker.sessions.parted(current, new SessionRegistry.Parting(abnormal ? will : null, willDelayMillis,
                    expiryMillis));
        }
        return true;
    }

    // --- helpers -------------------------------------------------------------------------------------

    void send(MqttMessage message) {
        transport.send(message);
    }

    MqttMessage reply(MqttMessageType type, int packetId, byte reason) {
        return new MqttMessage(new MqttFixedHeader(type, false, type == MqttMessageType.PUBREL
                ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, version.ackReason(reason), MqttProperties.NO_PROPERTIES));
    }

    private static int packetId(MqttMessage message) {
        Object header = message.variableHeader();
        if (header instanceof MqttMessageIdVariableHeader id) {
            return id.messageId();
        }
        return ((MqttMessageIdAndPropertiesVariableHeader) header).messageId();
    }
}
