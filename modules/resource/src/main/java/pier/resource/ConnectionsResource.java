package pier.resource;

import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code $connections}: each live connection a record ({@code GET /$connections/7}), the collection
 * filtered, sorted and paged by a query ({@code GET /$connections/?protocol=mqtt}), the resource itself
 * the counters per protocol ({@code GET /$connections}), and every one of them a subscription: the
 * current state, then connections opening, changing their subscriptions and ending (their last state,
 * then a deletion).
 */
final class ConnectionsResource implements Resource {

    private final Connections connections;

    ConnectionsResource(Connections connections) {
        this.connections = connections;
    }

    @Override
    public JsonNode describe(Request request) {
        return JsonNodeFactory.instance.objectNode().put("live", true)
                .put("description", "the live connections of every protocol");
    }

    @Override
    public Record get(Request request) {
        if (request.id().isEmpty()) {
            return Record.of("", 0, 0, perProtocol());
        }
        long position = position();
        return connections.find(request.id().get())
                .map(connection -> Record.of(connection.id(), position, position, connection.value()))
                .orElseThrow(() -> ResourceException.notFound("no connection " + request.id().get()));
    }

    private ObjectNode perProtocol() {
        ObjectNode protocols = JsonNodeFactory.instance.objectNode();
        for (String protocol : Connections.PROTOCOLS) {
            ProtocolStats stats = connections.stats(protocol);
            protocols.putObject(protocol).put("connections", stats.connections()).put("opened", stats.opened())
                    .put("messagesIn", stats.messagesIn()).put("messagesOut", stats.messagesOut())
                    .put("bytesIn", stats.bytesIn()).put("bytesOut", stats.bytesOut())
                    .put("queued", stats.queued()).put("dropped", stats.dropped());
        }
        return JsonNodeFactory.instance.objectNode().set("protocols", protocols);
    }

    @Override
    public Listing list(Request request) {
        var query = request.query();
        long position = position();
        List<ObjectNode> values = connections.live().stream().map(Connection::value)
                .filter(query::matches).sorted(query.order()).toList();
        Stream<ObjectNode> page = values.stream();
        if (query.limit().isPresent()) {
            page = page.skip(query.limit().get().offset()).limit(query.limit().get().count());
        }
        return new Listing(position, page.map(value -> Record.of(value.get("id").asText(), position, position,
                query.project(value))));
    }

    @Override
    public Subscription subscribe(Request request, SubscribeOptions options) {
        synchronized (connections.watchers()) {
            return connections.watchers().watch(request.principal(), request.id(), request.query(), options,
                    connections.live());
        }
    }

    private long position() {
        synchronized (connections.watchers()) {
            return connections.watchers().sequence();
        }
    }
}
