package pier.protocol.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;

import pier.resource.Replay;
import pier.resource.ResourceException;

import static pier.protocol.mqtt.ReasonCodes.*;

/**
 * SUBSCRIBE and UNSUBSCRIBE: each filter checked (syntax, live query, rights, quotas), the granted ones
 * added to the routing of plain topics or to record feeds, then retained messages and current records;
 * and the rights checked again when users or roles change.
 */
final class SubscribeHandler {

    private static final System.Logger LOG = System.getLogger(SubscribeHandler.class.getName());

    private final MqttConnection connection;
    private final MqttBroker broker;
    /** The subscriptions this connection counted in its user's quota. */
    private final AtomicInteger counted = new AtomicInteger();

    /** A filter granted: its subscription, and whether it is new to the session (for retain handling 1). */
    private record Granted(Subscription subscription, boolean isNew) {
    }

    SubscribeHandler(MqttConnection connection, MqttBroker broker) {
        this.connection = connection;
        this.broker = broker;
    }

    void subscribe(MqttSubscribeMessage subscribe) {
        MqttMessageIdAndPropertiesVariableHeader header = subscribe.idAndPropertiesVariableHeader();
        int identifier = Messages.intProperty(header.properties(), MqttProperties.SUBSCRIPTION_IDENTIFIER, 0);
        Optional<String> delivery = Messages.userProperty(header.properties(), "delivery");
        boolean latest = delivery.filter("latest"::equals).isPresent();
        Optional<Optional<Replay>> replay = replay(header.properties());
        boolean known = (delivery.isEmpty() || latest || delivery.get().equals("every")) && replay.isPresent();
        List<Integer> codes = new ArrayList<>();
        List<Granted> granted = new ArrayList<>();
        for (MqttTopicSubscription wanted : subscribe.payload().topicSubscriptions()) {
            Optional<Integer> code = known ? one(wanted, identifier, latest, granted)
                    : Optional.of(connection.version.subscribeFailure(IMPLEMENTATION_SPECIFIC));
            if (code.isEmpty()) {
                return; // the connection ended
            }
            codes.add(code.get());
        }
        // built by hand: Netty's SubAckBuilder takes QoS values only, not v5 reason codes such as 0x87
        connection.send(new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false,
                MqttQoS.AT_MOST_ONCE, false, 0), new MqttMessageIdAndPropertiesVariableHeader(header.messageId(),
                MqttProperties.NO_PROPERTIES), new MqttSubAckPayload(codes)));
        connection.transport().flush();
        broker.sessions.save(connection.session);
        connection.presence.subscribed(granted.stream().map(g -> g.subscription().filter()).toList());
        sendRetained(granted);
        // record topics: current records (as retain handling allows), then every change
        granted.forEach(g -> broker.tables.follow(g.subscription(), connection.session, connection.principal,
                broker.settings, g.subscription().retainHandling() == 0 || g.subscription().retainHandling() == 1
                        && g.isNew(), replay.orElseThrow()));
    }

    // the user properties previousCount and startTime ask for a replay; empty when they are not valid
    private static Optional<Optional<Replay>> replay(MqttProperties properties) {
        try {
            return Optional.of(Replay.parse(Messages.userProperty(properties, "previousCount").orElse(null),
                    Messages.userProperty(properties, "startTime").orElse(null)));
        } catch (ResourceException e) {
            LOG.log(System.Logger.Level.DEBUG, "refused a replay: {0}", e.getMessage());
            return Optional.empty();
        }
    }

    // one filter's SUBACK code, or empty when it ended the connection
    private Optional<Integer> one(MqttTopicSubscription wanted, int identifier, boolean latest, List<Granted> granted) {
        String filter = wanted.topicFilter();
        ProtocolVersion version = connection.version;
        if (filter == null || !Topics.validFilter(filter)) {
            return Optional.of(version.subscribeFailure(TOPIC_FILTER_INVALID));
        }
        Session session = connection.session;
        if (!session.hasSubscription(filter) && session.subscriptionCount() >= broker.settings.maxSubscriptions()) {
            connection.disconnect(QUOTA_EXCEEDED, "more than " + broker.settings.maxSubscriptions() + " subscriptions");
            return Optional.empty();
        }
        Optional<String> badQuery = broker.tables.queryProblem(filter);
        if (badQuery.isPresent()) {
            LOG.log(System.Logger.Level.DEBUG, "refused live query {0}: {1}", filter, badQuery.get());
            return Optional.of(version.subscribeFailure(TOPIC_FILTER_INVALID));
        }
        TopicAccess.Reach reach = reach(filter);
        if (!reach.any() || filter.startsWith(SharedSubscriptions.PREFIX) && !reach.plainTopics()) {
            broker.denied();
            LOG.log(System.Logger.Level.DEBUG, "{0} may not subscribe to {1}", connection.principal.name(), filter);
            return Optional.of(version.subscribeFailure(NOT_AUTHORIZED));
        }
        return filter.startsWith(SharedSubscriptions.PREFIX) ? shared(wanted, identifier)
                : Optional.of(plain(wanted, identifier, latest, reach, granted));
    }

    private int plain(MqttTopicSubscription wanted, int identifier, boolean latest, TopicAccess.Reach reach,
                      List<Granted> granted) {
        Session session = connection.session;
        ProtocolVersion version = connection.version;
        String filter = wanted.topicFilter();
        if (!session.hasSubscription(filter)) {
            if (!broker.tables.quota().addSubscription(connection.principal)) {
                return version.subscribeFailure(QUOTA_EXCEEDED);
            }
            counted.incrementAndGet();
        }
        var option = wanted.option();
        Subscription subscription = new Subscription(filter, option.qos().value(), version.v5() && option.isNoLocal(),
                version.v5() && option.isRetainAsPublished(), version.v5() ? option.retainHandling().value() : 0,
                identifier, latest);
        boolean isNew = session.subscribe(subscription);
        session.closeFeeds(filter);
        if (reach.plainTopics()) {
            broker.route(session, subscription);
        }
        granted.add(new Granted(subscription, isNew));
        return subscription.qos();
    }

    private Optional<Integer> shared(MqttTopicSubscription wanted, int identifier) {
        Optional<String[]> share = SharedSubscriptions.parse(wanted.topicFilter());
        if (share.isEmpty()) {
            return Optional.of(connection.version.subscribeFailure(TOPIC_FILTER_INVALID));
        }
        if (connection.version.v5() && wanted.option().isNoLocal()) {
            connection.disconnect(PROTOCOL_ERROR, "No Local on a shared subscription"); // MQTT-3.8.3-4
            return Optional.empty();
        }
        Subscription member = new Subscription(wanted.topicFilter(), wanted.option().qos().value(), false, false, 2,
                identifier, false);
        connection.session.subscribe(member);
        broker.share(share.get()[0], share.get()[1], connection.session, member);
        return Optional.of(member.qos());
    }

    // MQTT-3.3.1-9: retained messages follow the SUBACK, with RETAIN set
    private void sendRetained(List<Granted> granted) {
        for (Granted entry : granted) {
            Subscription subscription = entry.subscription();
            if (subscription.retainHandling() == 2 || subscription.retainHandling() == 1 && !entry.isNew()
                    || !reach(subscription.filter()).plainTopics()) {
                continue;
            }
            List<Integer> ids = subscription.identifier() > 0 ? List.of(subscription.identifier()) : List.of();
            for (Message message : broker.retainedMatching(subscription.filter())) {
                connection.session.offer(new Session.Pending(message, Math.min(message.qos(), subscription.qos()),
                        true, ids, 0, null, subscription.latest(), 0));
            }
        }
    }

    void startFeeds(Subscription subscription, boolean currentState) {
        broker.tables.follow(subscription, connection.session, connection.principal, broker.settings, currentState,
                Optional.empty());
    }

    private TopicAccess.Reach reach(String filter) {
        return TopicAccess.reach(broker.tables, connection.principal, connection.session.clientId, filter);
    }

    /**
     * After users or roles changed: a subscription that lost its plain topics stops receiving them, and
     * one that reaches nothing any more ends the connection (v5: DISCONNECT 0x87 with the reason), as
     * brokers with dynamic security do. Feeds of tables no longer readable are closed by the resources.
     */
    void recheckAccess() {
        Session current = connection.session;
        for (Subscription subscription : current.subscriptions()) {
            TopicAccess.Reach reach = reach(subscription.filter());
            if (!reach.plainTopics()) {
                broker.unroute(current, subscription.filter());
            }
            if (!reach.any() || subscription.filter().startsWith(SharedSubscriptions.PREFIX) && !reach.plainTopics()) {
                connection.disconnect(NOT_AUTHORIZED, connection.principal.name() + " may no longer subscribe to "
                        + subscription.filter());
                return;
            }
        }
    }

    void unsubscribe(MqttUnsubscribeMessage unsubscribe) {
        Session session = connection.session;
        MqttMessageBuilders.UnsubAckBuilder ack = MqttMessageBuilders.unsubAck()
                .packetId(unsubscribe.idAndPropertiesVariableHeader().messageId());
        for (String filter : unsubscribe.payload().topics()) {
            boolean existed = session.unsubscribe(filter);
            if (existed && counted.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                broker.tables.quota().removeSubscriptions(connection.principal, 1);
            }
            broker.unroute(session, filter);
            session.closeFeeds(filter);
            ack.addReasonCode(existed ? NORMAL : NO_SUBSCRIPTION_EXISTED);
        }
        connection.send(ack.build());
        connection.presence.unsubscribed(unsubscribe.payload().topics());
        broker.sessions.save(session);
    }

    /** The connection ended: the subscriptions it counted leave its user's quota. */
    void release() {
        if (connection.principal != null) {
            broker.tables.quota().removeSubscriptions(connection.principal, counted.getAndSet(0));
        }
    }
}
