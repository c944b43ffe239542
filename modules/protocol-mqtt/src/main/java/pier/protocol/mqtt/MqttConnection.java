package pier.protocol.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBufUtil;
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
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;

import pier.resource.Principal;

import static pier.protocol.mqtt.ReasonCodes.*;

/**
 * One network connection's protocol state. Packets arrive on the transport's thread and are handled
 * in order on a virtual thread of the connection's own, where waiting (credential checks, durable
 * retained writes) harms no one; sending never blocks.
 */
public final class MqttConnection {

    private static final System.Logger LOG = System.getLogger(MqttConnection.class.getName());
    private static final MqttMessage STOP = new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false,
            MqttQoS.AT_MOST_ONCE, false, 0));
    // the transport's end, queued behind the packets that came before it (a DISCONNECT among them)
    private static final MqttMessage LOST = new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false,
            MqttQoS.AT_MOST_ONCE, false, 0));
    private static final int INBOX_HIGH = 256;
    static final int TOPIC_ALIASES = 16;
    private static final long NEVER = Long.MAX_VALUE;


    private final MqttBroker broker;
    private final MqttTransport transport;
    private final BlockingQueue<MqttMessage> inbox = new LinkedBlockingQueue<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean connected;
    private volatile boolean paused;
    private volatile long lastReceived = System.nanoTime();
    private volatile long keepAliveNanos;
    private int version;
    private Session session;
    // read by whichever thread ends the connection
    private volatile Will will;
    private volatile long willDelayMillis;
    private volatile long expiryMillis;
    private Principal principal;
    /** Ends this connection's place in its user's quota; the subscriptions it counted there. */
    private volatile Runnable releaseConnection = () -> { };
    private final java.util.concurrent.atomic.AtomicInteger countedSubscriptions =
            new java.util.concurrent.atomic.AtomicInteger();
    private pier.codec.Codec outgoing;
    // inbound topic aliases (index = alias); outbound ones are Outbound's
    private final String[] aliasesIn = new String[TOPIC_ALIASES + 1];
    private volatile Outbound outbound;

    MqttConnection(MqttBroker broker, MqttTransport transport) {
        this.broker = broker;
        this.transport = transport;
        Thread.ofVirtual().name("mqtt-" + transport.remoteAddress()).start(this::run);
    }

    /**
     * A packet the transport decoded. PUBLISH payloads must be heap-backed copies, owned by the broker.
     *
     * @param message the packet
     */
    public void receive(MqttMessage message) {
        lastReceived = System.nanoTime();
        inbox.add(message);
        if (inbox.size() > INBOX_HIGH && !paused) {
            paused = true;
            transport.pauseReading(true);
        }
    }

    /** The transport can take more again. */
    public void writable() {
        pump();
    }

    /** The transport lost the connection. */
    public void transportClosed() {
        inbox.add(LOST);
    }

    boolean established() {
        return connected && !ended.get();
    }

    private void run() {
        try {
            while (!ended.get()) {
                MqttMessage message = inbox.take();
                if (message == STOP) {
                    return;
                }
                if (message == LOST) {
                    if (end(true)) {
                        LOG.log(System.Logger.Level.DEBUG, "mqtt {0} ({1}): connection lost", transport.remoteAddress(),
                                clientId());
                    }
                    return;
                }
                if (paused && inbox.size() < INBOX_HIGH / 2) {
                    paused = false;
                    transport.pauseReading(false);
                }
                try {
                    handle(message);
                } catch (Exception e) {
                    // Netty rethrows checked exceptions unchecked; none may end this thread without a goodbye
                    LOG.log(System.Logger.Level.WARNING, "mqtt " + transport.remoteAddress() + ": " + e, e);
                    disconnect(UNSPECIFIED, "internal error");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(MqttMessage message) {
        DecoderResult result = message.decoderResult();
        if (result != null && result.isFailure()) {
            malformed(message, result.cause());
            return;
        }
        MqttMessageType type = message.fixedHeader().messageType();
        if (!connected) {
            if (type == MqttMessageType.CONNECT) {
                connect((MqttConnectMessage) message);
            } else {
                // MQTT-3.1.0-1: the first packet must be CONNECT
                close();
            }
            return;
        }
        switch (type) {
            case PUBLISH -> publish((MqttPublishMessage) message);
            case PUBACK -> acknowledged(packetId(message), session.acknowledged(packetId(message)));
            case PUBREC -> pubrec(packetId(message));
            case PUBREL -> pubrel(packetId(message));
            case PUBCOMP -> acknowledged(packetId(message), session.completed(packetId(message)));
            case SUBSCRIBE -> subscribe((MqttSubscribeMessage) message);
            case UNSUBSCRIBE -> unsubscribe((MqttUnsubscribeMessage) message);
            case PINGREQ -> send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false,
                    MqttQoS.AT_MOST_ONCE, false, 0)));
            case DISCONNECT -> clientDisconnect(message);
            case CONNECT -> disconnect(PROTOCOL_ERROR, "a second CONNECT");
            default -> disconnect(PROTOCOL_ERROR, type + " is not expected from a client");
        }
        transport.flush();
    }

    // --- CONNECT -------------------------------------------------------------------------------

    private void connect(MqttConnectMessage connect) {
        version = connect.variableHeader().version();
        MqttProperties properties = connect.variableHeader().properties();
        boolean v5 = version == 5;
        if (v5 && properties.getProperty(MqttProperties.AUTHENTICATION_METHOD) != null) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD, "no enhanced authentication");
            return;
        }
        String clientId = connect.payload().clientIdentifier();
        boolean cleanStart = connect.variableHeader().isCleanSession();
        boolean assigned = false;
        if (clientId == null || clientId.isEmpty()) {
            if (version == 3 || version == 4 && !cleanStart) {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "a client id is required");
                return;
            }
            clientId = "pier-" + UUID.randomUUID();
            assigned = true;
        }
        Optional<Principal> authenticated = authenticate(connect);
        if (authenticated.isEmpty()) {
            return;
        }
        principal = authenticated.get();
        try {
            releaseConnection = broker.tables.quota().openConnection(principal);
        } catch (pier.resource.ResourceException e) {
            refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_QUOTA_EXCEEDED
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE, e.getMessage());
            return;
        }
        Optional<String> accept = (v5 ? Messages.userProperty(properties, "accept") : Optional.<String>empty())
                .or(transport::accept);
        outgoing = accept.flatMap(broker.tables::outgoing).orElse(broker.tables.json());
        if (connect.variableHeader().isWillFlag() && !willFrom(connect, clientId)) {
            return;
        }
        outbound = new Outbound(transport, broker.sent, version, properties);
        long requestedExpiry = v5 ? Integer.toUnsignedLong(Messages.intProperty(properties,
                MqttProperties.SESSION_EXPIRY_INTERVAL, 0)) * 1000 : cleanStart ? 0 : NEVER;
        expiryMillis = Math.min(requestedExpiry, broker.settings.maxSessionExpiry().toMillis());
        int keepAlive = connect.variableHeader().keepAliveTimeSeconds();
        int maxKeepAlive = (int) broker.settings.maxKeepAlive().toSeconds();
        // v5 clients are told the server's keep-alive; older ones cannot be, but are held to it all the same
        int granted = keepAlive == 0 || keepAlive > maxKeepAlive ? maxKeepAlive : keepAlive;
        keepAliveNanos = TimeUnit.SECONDS.toNanos(granted) * 3 / 2;

        Optional<Boolean> opened = open(clientId, cleanStart || version < 5 && cleanStart);
        if (opened.isEmpty()) {
            // a client id names one user's session: another user neither resumes nor takes it over
            refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "client id " + clientId
                    + " is another user's session");
            return;
        }
        boolean present = opened.get();
        MqttProperties ack = new MqttProperties();
        if (v5) {
            if (assigned) {
                ack.add(new MqttProperties.StringProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER, clientId));
            }
            if (granted != keepAlive) {
                ack.add(new MqttProperties.IntegerProperty(MqttProperties.SERVER_KEEP_ALIVE, granted));
            }
            if (expiryMillis != requestedExpiry) {
                ack.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL,
                        (int) (expiryMillis / 1000)));
            }
            ack.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM, broker.settings.receiveMaximum()));
            ack.add(new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_PACKET_SIZE,
                    broker.settings.maxPacketSize()));
            ack.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM, TOPIC_ALIASES));
            if (Messages.intProperty(properties, MqttProperties.REQUEST_RESPONSE_INFORMATION, 0) == 1) {
                ack.add(new MqttProperties.StringProperty(MqttProperties.RESPONSE_INFORMATION,
                        "response/" + clientId + "/"));
            }
            if (accept.isPresent() && broker.tables.outgoing(accept.get()).isEmpty()) {
                ack.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, "accept " + accept.get()
                        + " names no supported format; records are sent as JSON"));
            }
        }
        MqttConnAckMessage connAck = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).sessionPresent(present).properties(ack).build();
        send(connAck);
        connected = true;
        if (present) {
            broker.replay(session);
        }
        if (session.startFeeds()) {
            // a session restored after a restart subscribes to its record topics again, current records first
            session.subscriptions().forEach(s -> startFeeds(s, true));
        }
        resume();
    }

    private Optional<Principal> authenticate(MqttConnectMessage connect) {
        boolean v5 = version == 5;
        if (connect.variableHeader().hasUserName()) {
            String password = connect.variableHeader().hasPassword()
                    ? new String(connect.payload().passwordInBytes(), StandardCharsets.UTF_8) : "";
            Optional<Principal> principal;
            try {
                principal = broker.authenticator.authenticate(connect.payload().userName(), password,
                        transport.remoteHost());
            } catch (pier.resource.ResourceException e) {
                // the address failed too often (a login throttle)
                refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_CONNECTION_RATE_EXCEEDED
                        : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, e.getMessage());
                return Optional.empty();
            }
            if (principal.isEmpty()) {
                refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                        : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD, "login failed");
            }
            return principal;
        }
        Optional<Principal> upgrade = transport.authenticated();
        if (upgrade.isPresent()) {
            return upgrade; // the WebSocket upgrade carried the user's credentials, cookie or token
        }
        if (!broker.authenticator.allowsAnonymous()) {
            refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "authentication required");
            return Optional.empty();
        }
        return Optional.of(Principal.ANONYMOUS);
    }

    private boolean willFrom(MqttConnectMessage connect, String clientId) {
        String topic = connect.payload().willTopic();
        if (topic == null || !Topics.validName(topic)) {
            if (version == 5) {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID, "invalid will topic");
            } else {
                close();
            }
            return false;
        }
        MqttProperties properties = connect.payload().willProperties();
        Message message = Messages.fromProperties(topic, connect.payload().willMessageInBytes(),
                connect.variableHeader().willQos(), connect.variableHeader().isWillRetain(),
                properties == null ? MqttProperties.NO_PROPERTIES : properties, clientId);
        if (message.contentType().isEmpty() && transport.contentType().isPresent()) {
            message = message.withContentType(transport.contentType());
        }
        if (!broker.mayPublish(message, principal)) {
            // a will the client could not publish itself is refused at CONNECT, as brokers with ACLs do
            refuse(version == 5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "may not publish the will to " + topic);
            return false;
        }
        will = new Will(message, principal);
        willDelayMillis = properties == null ? 0
                : Integer.toUnsignedLong(Messages.intProperty(properties, MqttProperties.WILL_DELAY_INTERVAL, 0)) * 1000;
        return true;
    }

    private void refuse(MqttConnectReturnCode code, String reason) {
        MqttProperties properties = new MqttProperties();
        if (version == 5) {
            properties.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, reason));
        }
        send(MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).properties(properties).build());
        close();
    }

    // takes over or creates the session; returns whether one was present, or empty when it is another user's
    private Optional<Boolean> open(String clientId, boolean cleanStart) {
        broker.sessionLock.lock();
        try {
            Session existing = broker.sessions.get(clientId);
            if (existing != null && !existing.claimBy(principal.name())) {
                return Optional.empty();
            }
            if (existing != null && existing.connection() != null) {
                existing.connection().takenOver();
            }
            existing = broker.sessions.get(clientId);
            boolean present = existing != null && !cleanStart;
            if (existing != null && cleanStart) {
                broker.discard(existing);
                existing = null;
            }
            session = existing != null ? existing : new Session(clientId, principal.name(),
                    broker.settings.sessionBacklog());
            broker.sessions.put(clientId, session);
            session.attach(this);
            session.codec(outgoing);
            session.expiry(expiryMillis);
            session.disconnectedAt(0);
            broker.save(session);
            return Optional.of(present);
        } finally {
            broker.sessionLock.unlock();
        }
    }

    // a resumed session first sends again what was not acknowledged, then what waited
    private void resume() {
        outbound.resend(session, packetId -> send(reply(MqttMessageType.PUBREL, packetId, NORMAL)));
        pump();
    }

    // --- PUBLISH, both ways -------------------------------------------------------------------------

    private void publish(MqttPublishMessage publish) {
        broker.received.increment();
        String topic = publish.variableHeader().topicName();
        int qos = publish.fixedHeader().qosLevel().value();
        int packetId = publish.variableHeader().packetId();
        MqttProperties properties = publish.variableHeader().properties();
        if (qos == 2 && session.hasUnreleasedQos2(packetId)) {
            send(reply(MqttMessageType.PUBREC, packetId, NORMAL)); // a duplicate: delivered already
            return;
        }
        // packets are handled in order and QoS 1 is acknowledged as it is handled, so what the client still
        // has outstanding here is its QoS 2 publishes whose PUBREL has not come: the PUBRECs owed for the
        // publishes before this one went out before the DISCONNECT does
        if (qos > 0 && session.unreleasedQos2() >= broker.settings.receiveMaximum()) {
            disconnect(RECEIVE_MAXIMUM_EXCEEDED, "more than " + broker.settings.receiveMaximum() + " unacknowledged");
            return;
        }
        MqttProperties.MqttProperty<?> alias = version == 5 ? properties.getProperty(MqttProperties.TOPIC_ALIAS) : null;
        if (alias != null) {
            int number = (Integer) alias.value();
            if (number < 1 || number > TOPIC_ALIASES) {
                disconnect(TOPIC_ALIAS_INVALID, "topic alias " + number + " is not between 1 and " + TOPIC_ALIASES);
                return;
            }
            if (topic == null || topic.isEmpty()) {
                topic = aliasesIn[number];
                if (topic == null) {
                    disconnect(PROTOCOL_ERROR, "topic alias " + number + " was never set");
                    return;
                }
            } else {
                aliasesIn[number] = topic;
            }
        }
        if (topic == null || !Topics.validName(topic)) {
            disconnect(TOPIC_NAME_INVALID, "invalid topic name");
            return;
        }
        if (qos == 2) {
            session.receiveQos2(packetId);
        }
        Message message = Messages.fromProperties(topic, ByteBufUtil.getBytes(publish.content()), qos,
                publish.fixedHeader().isRetain(), properties, session.clientId);
        byte reason = broker.publish(message, principal, message.contentType().or(transport::contentType), session);
        if (reason == NOT_AUTHORIZED) {
            // at QoS 0 the refusal has no answer: it is counted (pier_mqtt_denied_total) and logged
            broker.denied.increment();
            LOG.log(System.Logger.Level.DEBUG, "{0} may not publish to {1}", principal.name(), topic);
        }
        if (qos == 1) {
            send(MqttMessageBuilders.pubAck().packetId(packetId).reasonCode(version == 5 ? reason : NORMAL)
                    .properties(MqttProperties.NO_PROPERTIES).build());
        } else if (qos == 2) {
            send(reply(MqttMessageType.PUBREC, packetId, version == 5 ? reason : NORMAL));
        }
    }

    private void startFeeds(Subscription subscription, boolean currentState) {
        broker.tables.follow(subscription, session, principal, broker.settings.sessionBacklog(), currentState);
    }

    private void pubrel(int packetId) {
        boolean known = session.releaseQos2(packetId);
        send(reply(MqttMessageType.PUBCOMP, packetId, known || version < 5 ? NORMAL : PACKET_ID_NOT_FOUND));
    }

    private void pubrec(int packetId) {
        if (session.received(packetId)) {
            send(reply(MqttMessageType.PUBREL, packetId, NORMAL));
        } else if (version == 5) {
            send(reply(MqttMessageType.PUBREL, packetId, PACKET_ID_NOT_FOUND));
        }
    }

    private void acknowledged(int packetId, boolean known) {
        if (known) {
            pump();
        }
    }

    /** Sends what the session has queued, as far as the client's receive maximum and the transport allow. */
    void pump() {
        Session current = session;
        if (current == null || !connected || ended.get()) {
            return;
        }
        outbound.pump(current);
    }

    // --- SUBSCRIBE ---------------------------------------------------------------------------------

    private void subscribe(MqttSubscribeMessage subscribe) {
        MqttMessageIdAndPropertiesVariableHeader header = subscribe.idAndPropertiesVariableHeader();
        int identifier = Messages.intProperty(header.properties(), MqttProperties.SUBSCRIPTION_IDENTIFIER, 0);
        List<Integer> codes = new ArrayList<>();
        List<Map.Entry<Subscription, Boolean>> granted = new ArrayList<>();
        for (MqttTopicSubscription wanted : subscribe.payload().topicSubscriptions()) {
            String filter = wanted.topicFilter();
            if (filter == null || !Topics.validFilter(filter)) {
                codes.add(version == 5 ? TOPIC_FILTER_INVALID & 0xff : 0x80);
                continue;
            }
            if (!session.hasSubscription(filter) && session.subscriptionCount() >= broker.settings.maxSubscriptions()) {
                disconnect(QUOTA_EXCEEDED, "more than " + broker.settings.maxSubscriptions() + " subscriptions");
                return;
            }
            var option = wanted.option();
            Optional<String> badQuery = broker.tables.queryProblem(filter);
            if (badQuery.isPresent()) {
                LOG.log(System.Logger.Level.DEBUG, "refused live query {0}: {1}", filter, badQuery.get());
                codes.add(version == 5 ? TOPIC_FILTER_INVALID & 0xff : 0x80);
                continue;
            }
            TopicAccess.Reach reach = reach(filter);
            if (!reach.any() || filter.startsWith(SharedSubscriptions.PREFIX) && !reach.plainTopics()) {
                broker.denied.increment();
                LOG.log(System.Logger.Level.DEBUG, "{0} may not subscribe to {1}", principal.name(), filter);
                codes.add(version == 5 ? NOT_AUTHORIZED & 0xff : 0x80);
                continue;
            }
            if (filter.startsWith(SharedSubscriptions.PREFIX)) {
                Optional<String[]> share = SharedSubscriptions.parse(filter);
                if (share.isEmpty()) {
                    codes.add(version == 5 ? TOPIC_FILTER_INVALID & 0xff : 0x80);
                    continue;
                }
                if (version == 5 && option.isNoLocal()) {
                    disconnect(PROTOCOL_ERROR, "No Local on a shared subscription"); // MQTT-3.8.3-4
                    return;
                }
                Subscription member = new Subscription(filter, option.qos().value(), false,
                        false, 2, identifier);
                session.subscribe(member);
                broker.shared.add(share.get()[0], share.get()[1], session, member);
                codes.add(member.qos());
                continue;
            }
            if (!session.hasSubscription(filter)) {
                if (!broker.tables.quota().addSubscription(principal)) {
                    codes.add(version == 5 ? QUOTA_EXCEEDED & 0xff : 0x80);
                    continue;
                }
                countedSubscriptions.incrementAndGet();
            }
            Subscription subscription = new Subscription(filter, option.qos().value(), version == 5 && option.isNoLocal(),
                    version == 5 && option.isRetainAsPublished(), version == 5 ? option.retainHandling().value() : 0,
                    identifier);
            boolean isNew = session.subscribe(subscription);
            session.closeFeeds(filter);
            if (reach.plainTopics()) {
                broker.tree.add(session, subscription);
            }
            granted.add(Map.entry(subscription, isNew));
            codes.add(subscription.qos());
        }
        // built by hand: Netty's SubAckBuilder takes QoS values only, not v5 reason codes such as 0x87
        send(new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(header.messageId(), MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(codes)));
        transport.flush();
        broker.save(session);
        // MQTT-3.3.1-9: retained messages follow the SUBACK, with RETAIN set
        for (var entry : granted) {
            Subscription subscription = entry.getKey();
            if (subscription.retainHandling() == 2 || subscription.retainHandling() == 1 && !entry.getValue()) {
                continue;
            }
            if (!reach(subscription.filter()).plainTopics()) {
                continue;
            }
            List<Integer> ids = subscription.identifier() > 0 ? List.of(subscription.identifier()) : List.of();
            for (Message message : broker.retainedMatching(subscription.filter())) {
                session.offer(new Session.Pending(message, Math.min(message.qos(), subscription.qos()), true, ids, 0));
            }
        }
        // record topics: current records (as retain handling allows), then every change
        for (var entry : granted) {
            Subscription subscription = entry.getKey();
            startFeeds(subscription, subscription.retainHandling() == 0
                    || subscription.retainHandling() == 1 && entry.getValue());
        }
    }

    private TopicAccess.Reach reach(String filter) {
        return TopicAccess.reach(broker.tables, principal, session.clientId, filter);
    }

    /**
     * After users or roles changed: a subscription that lost its plain topics stops receiving them, and
     * one that reaches nothing any more ends the connection (v5: DISCONNECT 0x87 with the reason), as
     * brokers with dynamic security do. Feeds of tables no longer readable are closed by the resources.
     */
    void recheckAccess() {
        Session current = session;
        if (current == null || !connected || ended.get()) {
            return;
        }
        for (Subscription subscription : current.subscriptions()) {
            TopicAccess.Reach reach = reach(subscription.filter());
            if (!reach.plainTopics()) {
                broker.tree.remove(current, subscription.filter());
            }
            if (!reach.any() || subscription.filter().startsWith(SharedSubscriptions.PREFIX) && !reach.plainTopics()) {
                disconnect(NOT_AUTHORIZED, principal.name() + " may no longer subscribe to " + subscription.filter());
                return;
            }
        }
    }

    private void unsubscribe(MqttUnsubscribeMessage unsubscribe) {
        MqttMessageBuilders.UnsubAckBuilder ack = MqttMessageBuilders.unsubAck()
                .packetId(unsubscribe.idAndPropertiesVariableHeader().messageId());
        for (String filter : unsubscribe.payload().topics()) {
            boolean existed = session.unsubscribe(filter);
            if (existed && countedSubscriptions.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                broker.tables.quota().removeSubscriptions(principal, 1);
            }
            broker.tree.remove(session, filter);
            if (filter.startsWith(SharedSubscriptions.PREFIX)) {
                SharedSubscriptions.parse(filter).ifPresent(g -> broker.shared.remove(g[0], g[1], session));
            }
            session.closeFeeds(filter);
            ack.addReasonCode(existed ? NORMAL : NO_SUBSCRIPTION_EXISTED);
        }
        send(ack.build());
        broker.save(session);
    }

    // --- ending ------------------------------------------------------------------------------------

    private void clientDisconnect(MqttMessage message) {
        byte reason = NORMAL;
        if (version == 5 && message.variableHeader()
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
            end(reason == WITH_WILL);
        }
    }

    void takenOver() {
        disconnect(SESSION_TAKEN_OVER, "another connection took over the session");
    }

    void serverShutdown() {
        try {
            if (version == 5 && connected) {
                send(MqttMessageBuilders.disconnect().reasonCode(SERVER_SHUTTING_DOWN).build());
            }
            closeTransport();
        } finally {
            end(false);
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
    private void disconnect(byte reason, String why) {
        try {
            if (version == 5 && connected) {
                MqttProperties properties = new MqttProperties();
                properties.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, why));
                send(MqttMessageBuilders.disconnect().reasonCode(reason).properties(properties).build());
            }
            closeTransport();
        } finally {
            if (end(true)) {
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

    private void malformed(MqttMessage message, Throwable cause) {
        if (cause instanceof PacketCheck.Violation violation) {
            if (connected) {
                disconnect(violation.reason(), "malformed packet: " + violation.getMessage());
            } else if (violation.version5()) {
                version = 5;
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

    private void close() {
        try {
            closeTransport();
        } finally {
            end(false);
        }
    }

    // runs once, from whichever thread sees the end first; returns whether this call ended the connection
    private boolean end(boolean abnormal) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        inbox.add(STOP);
        broker.closed(this);
        releaseConnection.run();
        if (principal != null) {
            broker.tables.quota().removeSubscriptions(principal, countedSubscriptions.getAndSet(0));
        }
        Session current = session;
        if (current == null || !current.detach(this)) {
            return true;
        }
        Will lastWill = abnormal ? will : null;
        broker.sessionLock.lock();
        try {
            if (expiryMillis == 0) {
                broker.discard(current);
                broker.publishWill(lastWill, current);
                return true;
            }
            var willTask = lastWill == null || willDelayMillis == 0 ? null
                    : schedule(() -> broker.publishWill(lastWill, current), Math.min(willDelayMillis, expiryMillis));
            if (lastWill != null && willDelayMillis == 0) {
                broker.publishWill(lastWill, current);
            }
            var expiryTask = expiryMillis >= NEVER / 2 ? null : schedule(() -> broker.expire(current), expiryMillis);
            current.timers(expiryTask, willTask, lastWill);
            current.disconnectedAt(System.currentTimeMillis());
        } finally {
            broker.sessionLock.unlock();
        }
        broker.save(current);
        return true;
    }

    // null once the broker is closing: sessions then end with the process
    private java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return broker.timers.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
    }

    // --- helpers -------------------------------------------------------------------------------------

    private void send(MqttMessage message) {
        transport.send(message);
    }

    private MqttMessage reply(MqttMessageType type, int packetId, byte reason) {
        return new MqttMessage(new MqttFixedHeader(type, false, type == MqttMessageType.PUBREL
                ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, version == 5 ? reason : 0, MqttProperties.NO_PROPERTIES));
    }

    private static int packetId(MqttMessage message) {
        Object header = message.variableHeader();
        if (header instanceof MqttMessageIdVariableHeader id) {
            return id.messageId();
        }
        return ((MqttMessageIdAndPropertiesVariableHeader) header).messageId();
    }
}
