package pier.protocol.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.resource.Content;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.SystemTables;

/**
 * Durable MQTT sessions in a system table, and the messages they need in the change feed (as entries of
 * the stream {@code $mqtt}, keyed by topic), so that a session is a cursor, not a copy.
 */
final class TableSessionStore implements SessionStore {

    private static final String STREAM = "$mqtt";

    private final SystemTables system;
    private final Resource table;

    TableSessionStore(SystemTables system) {
        this.system = system;
        this.table = system.systemTable(MqttTables.SESSIONS);
    }

    @Override
    public List<Stored> loadAll() {
        try (var records = table.list(Request.of(MqttTables.SERVER, null)).records()) {
            return records.map(r -> stored(r.id(), r.value().path("session"))).toList();
        }
    }

    @Override
    public void save(Stored session) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode state = body.putObject("session").put("owner", session.owner())
                .put("expiryMillis", session.expiryMillis())
                .put("cursor", session.cursor()).put("disconnectedAt", session.disconnectedAt());
        var subscriptions = state.putArray("subscriptions");
        session.subscriptions().forEach(s -> subscriptions.addObject().put("filter", s.filter()).put("qos", s.qos())
                .put("noLocal", s.noLocal()).put("retainAsPublished", s.retainAsPublished())
                .put("retainHandling", s.retainHandling()).put("identifier", s.identifier())
                .put("latest", s.latest()));
        table.put(Request.of(MqttTables.SERVER, session.clientId()).withContent(new Content.Structured(body)));
    }

    @Override
    public void remove(String clientId) {
        table.delete(Request.of(MqttTables.SERVER, clientId));
    }

    @Override
    public long append(Message message) {
        return system.append(STREAM, message.topic(), MessageBodies.toJson(message));
    }

    @Override
    public long position() {
        return system.position();
    }

    @Override
    public Stream<Map.Entry<Long, Message>> after(long position) {
        return system.messagesAfter(STREAM, position)
                .map(m -> Map.entry(m.position(), MessageBodies.fromJson(m.id(), m.body())));
    }

    private static Stored stored(String clientId, JsonNode state) {
        List<Subscription> subscriptions = new ArrayList<>();
        state.path("subscriptions").forEach(s -> subscriptions.add(new Subscription(s.path("filter").asText(),
                s.path("qos").asInt(), s.path("noLocal").asBoolean(), s.path("retainAsPublished").asBoolean(),
                s.path("retainHandling").asInt(), s.path("identifier").asInt(), s.path("latest").asBoolean())));
        return new Stored(clientId, state.path("owner").asText(""), subscriptions, state.path("expiryMillis").asLong(), state.path("cursor").asLong(),
                state.path("disconnectedAt").asLong());
    }
}
