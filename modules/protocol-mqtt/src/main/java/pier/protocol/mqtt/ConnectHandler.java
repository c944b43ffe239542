package pier.protocol.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;

import pier.resource.Principal;
import pier.resource.ResourceException;

/**
 * CONNECT: the client's identity (client id, credentials), its will, the limits it is granted (keep
 * alive, session expiry), its session opened or taken over, and the CONNACK that says all that.
 */
final class ConnectHandler {

    private final MqttConnection connection;
    private final MqttBroker broker;
    private final MqttTransport transport;

    ConnectHandler(MqttConnection connection, MqttBroker broker, MqttTransport transport) {
        this.connection = connection;
        this.broker = broker;
        this.transport = transport;
    }

    /** What the client asked for and what it is granted; the CONNACK's properties come from it. */
    private record Grant(String clientId, boolean assigned, int keepAlive, int grantedKeepAlive, long requestedExpiry,
                         long expiry, Optional<String> accept) {
    }

    void connect(MqttConnectMessage connect) {
        connection.version = new ProtocolVersion(connect.variableHeader().version());
        ProtocolVersion version = connection.version;
        MqttProperties properties = connect.variableHeader().properties();
        if (version.v5() && properties.getProperty(MqttProperties.AUTHENTICATION_METHOD) != null) {
            connection.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD,
                    "no enhanced authentication");
            return;
        }
        String clientId = connect.payload().clientIdentifier();
        boolean cleanStart = connect.variableHeader().isCleanSession();
        boolean assigned = clientId == null || clientId.isEmpty();
        if (assigned && version.needsClientId(cleanStart)) {
            connection.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "a client id is required");
            return;
        }
        String id = assigned ? "pier-" + UUID.randomUUID() : clientId;
        if (!admit(connect) || connect.variableHeader().isWillFlag() && !willFrom(connect, id)) {
            return;
        }
        Grant grant = grant(connect, id, assigned, properties);
        Optional<SessionRegistry.Opened> opened = broker.sessions.open(id, connection.principal, cleanStart,
                connection, connection.outgoing, grant.expiry());
        if (opened.isEmpty()) {
            // a client id names one user's session: another user neither resumes nor takes it over
            connection.refuse(version.notAuthorized(), "client id " + id + " is another user's session");
            return;
        }
        connection.presence = present(id, opened.get().session());
        connection.outbound = new Outbound(transport, broker.sentCounter(), connection.presence, version.level(),
                properties);
        connection.accepted(opened.get(), connAck(opened.get().present(), grant, properties));
    }

    // the connection in $connections: who, its will, its session's subscriptions and queue
    private pier.resource.Connection present(String clientId, Session session) {
        pier.resource.Connection presence = broker.tables.connections().open(transport.protocol(),
                connection.principal, transport.remoteAddress(), Optional.of(clientId));
        Will will = connection.will;
        if (will != null) {
            presence.will(will.message().topic(), will.message().qos(), will.message().retain(),
                    connection.willDelayMillis / 1000);
        }
        presence.subscribed(session.subscriptions().stream().map(Subscription::filter).toList());
        presence.queueDepth(session::queued);
        return presence;
    }

    // the user, its place in the quota and the format records go out in
    private boolean admit(MqttConnectMessage connect) {
        Optional<Principal> authenticated = authenticate(connect);
        if (authenticated.isEmpty()) {
            return false;
        }
        connection.principal = authenticated.get();
        try {
            connection.releaseConnection = broker.tables.quota().openConnection(connection.principal);
        } catch (ResourceException e) {
            connection.refuse(connection.version.quotaExceeded(), e.getMessage());
            return false;
        }
        connection.outgoing = accept(connect).flatMap(broker.tables::outgoing).orElse(broker.tables.json());
        return true;
    }

    private Optional<String> accept(MqttConnectMessage connect) {
        return (connection.version.v5() ? Messages.userProperty(connect.variableHeader().properties(), "accept")
                : Optional.<String>empty()).or(transport::accept);
    }

    private Grant grant(MqttConnectMessage connect, String clientId, boolean assigned, MqttProperties properties) {
        boolean v5 = connection.version.v5();
        boolean cleanStart = connect.variableHeader().isCleanSession();
        long requestedExpiry = v5 ? Integer.toUnsignedLong(Messages.intProperty(properties,
                MqttProperties.SESSION_EXPIRY_INTERVAL, 0)) * 1000 : cleanStart ? 0 : SessionRegistry.NEVER;
        connection.expiryMillis = Math.min(requestedExpiry, broker.settings.maxSessionExpiry().toMillis());
        int keepAlive = connect.variableHeader().keepAliveTimeSeconds();
        int maxKeepAlive = (int) broker.settings.maxKeepAlive().toSeconds();
        // v5 clients are told the server's keep-alive; older ones cannot be, but are held to it all the same
        int granted = keepAlive == 0 || keepAlive > maxKeepAlive ? maxKeepAlive : keepAlive;
        connection.keepAliveNanos = TimeUnit.SECONDS.toNanos(granted) * 3 / 2;
        return new Grant(clientId, assigned, keepAlive, granted, requestedExpiry, connection.expiryMillis,
                accept(connect));
    }

    private MqttConnAckMessage connAck(boolean present, Grant grant, MqttProperties connect) {
        MqttProperties ack = new MqttProperties();
        if (connection.version.v5()) {
            if (grant.assigned()) {
                ack.add(new MqttProperties.StringProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER, grant.clientId()));
            }
            if (grant.grantedKeepAlive() != grant.keepAlive()) {
                ack.add(new MqttProperties.IntegerProperty(MqttProperties.SERVER_KEEP_ALIVE, grant.grantedKeepAlive()));
            }
            if (grant.expiry() != grant.requestedExpiry()) {
                ack.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL,
                        (int) (grant.expiry() / 1000)));
            }
            limits(ack);
            if (Messages.intProperty(connect, MqttProperties.REQUEST_RESPONSE_INFORMATION, 0) == 1) {
                ack.add(new MqttProperties.StringProperty(MqttProperties.RESPONSE_INFORMATION,
                        "response/" + grant.clientId() + "/"));
            }
            grant.accept().filter(accept -> broker.tables.outgoing(accept).isEmpty()).ifPresent(accept ->
                    ack.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, "accept " + accept
                            + " names no supported format; records are sent as JSON")));
        }
        return MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(present).properties(ack).build();
    }

    private void limits(MqttProperties ack) {
        ack.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM, broker.settings.receiveMaximum()));
        ack.add(new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_PACKET_SIZE, broker.settings.maxPacketSize()));
        ack.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM, MqttConnection.TOPIC_ALIASES));
    }

    private Optional<Principal> authenticate(MqttConnectMessage connect) {
        ProtocolVersion version = connection.version;
        if (connect.variableHeader().hasUserName()) {
            String password = connect.variableHeader().hasPassword()
                    ? new String(connect.payload().passwordInBytes(), StandardCharsets.UTF_8) : "";
            Optional<Principal> principal;
            try {
                principal = broker.authenticator.authenticate(connect.payload().userName(), password,
                        transport.remoteHost());
            } catch (ResourceException e) {
                connection.refuse(version.rateExceeded(), e.getMessage()); // the address failed too often
                return Optional.empty();
            }
            if (principal.isEmpty()) {
                connection.refuse(version.badCredentials(), "login failed");
            }
            return principal;
        }
        Optional<Principal> upgrade = transport.authenticated();
        if (upgrade.isPresent()) {
            return upgrade; // the WebSocket upgrade carried the user's credentials, cookie or token
        }
        if (!broker.authenticator.allowsAnonymous()) {
            connection.refuse(version.notAuthorized(), "authentication required");
            return Optional.empty();
        }
        return Optional.of(Principal.ANONYMOUS);
    }

    private boolean willFrom(MqttConnectMessage connect, String clientId) {
        String topic = connect.payload().willTopic();
        if (topic == null || !Topics.validName(topic)) {
            if (connection.version.v5()) {
                connection.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID, "invalid will topic");
            } else {
                connection.close();
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
        if (!broker.mayPublish(message, connection.principal)) {
            // a will the client could not publish itself is refused at CONNECT, as brokers with ACLs do
            connection.refuse(connection.version.notAuthorized(), "may not publish the will to " + topic);
            return false;
        }
        connection.will = new Will(message, connection.principal);
        connection.willDelayMillis = properties == null ? 0
                : Integer.toUnsignedLong(Messages.intProperty(properties, MqttProperties.WILL_DELAY_INTERVAL, 0)) * 1000;
        return true;
    }
}
