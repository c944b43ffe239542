package pier.protocol.mqtt;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import pier.codec.Codec;
import pier.resource.Content;
import pier.resource.Event;
import pier.resource.Record;

/**
 * One MQTT subscription's view of a resource: the resource subscription's current records (sent as
 * retained messages) and then every change, turned into messages for the session in the format of its
 * connection. A record is encoded once per format, whatever the number of subscribers.
 */
final class TableFeed implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TableFeed.class.getName());

    private final Session session;
    private final Duration stallLimit;
    private final Subscription subscription;
    private final String name;
    private final pier.resource.Subscription events;
    private volatile boolean closed;

    TableFeed(Session session, Subscription subscription, String name, pier.resource.Subscription events,
              boolean currentState, Duration stallLimit) {
        this.session = session;
        this.stallLimit = stallLimit;
        this.subscription = subscription;
        this.name = name;
        this.events = events;
        Thread.ofVirtual().name("mqtt-feed-" + name).start(() -> run(currentState));
    }

    private void run(boolean currentState) {
        boolean inState = currentState;
        boolean liveQuery = TableTopics.isLiveQuery(subscription.filter());
        List<Integer> ids = subscription.identifier() > 0 ? List.of(subscription.identifier()) : List.of();
        long merged = 0;
        try {
            while (!closed && !events.isClosed()) {
                Optional<Event> next = events.next(Duration.ofSeconds(1));
                if (next.isEmpty()) {
                    continue;
                }
                Event event = next.get();
                if (event instanceof Event.Marker) {
                    inState &= !(event instanceof Event.Synced);
                    merged = event instanceof Event.Merged marker ? marker.merged() : merged;
                    continue;
                }
                String topic = event.id().isEmpty() ? name : name + "/" + event.id();
                // a live query's resource subscription has already chosen what matches
                if (!liveQuery && !Topics.matches(subscription.filter(), topic)) {
                    continue;
                }
                if (subscription.noLocal() && session.ownWrites.wroteItself(topic, event.version())) {
                    continue;
                }
                boolean change = !(event instanceof Event.Message);
                boolean retain = inState || subscription.retainAsPublished() && change;
                Session.Pending pending = new Session.Pending(message(topic, event, session.codec()),
                        subscription.qos(), retain, ids, 0, null, subscription.latest(), merged);
                merged = 0;
                if (session.offer(pending)) {
                    // the client is behind: the resource subscription's own queue takes the wait
                    session.awaitRoom(System.nanoTime() + stallLimit.toNanos());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "feed of " + subscription.filter() + " for " + session.clientId
                    + " ended: " + e, e);
        }
    }

    // a deletion is an empty payload, the MQTT way of clearing a retained value (v5 adds type=delete)
    private static Message message(String topic, Event event, Codec codec) {
        if (event instanceof Event.Delete delete) {
            List<Map.Entry<String, String>> properties = delete.reason() == Event.Reason.LEFT
                    ? List.of(Map.entry("type", "delete"), Map.entry("reason", "left"))
                    : List.of(Map.entry("type", "delete"));
            return new Message(topic, new byte[0], 2, true, Optional.empty(), false, Optional.empty(),
                    Optional.empty(), properties, 0, "");
        }
        Record record = event.record().orElseThrow();
        Optional<Content.Opaque> opaque = record.opaqueContent();
        byte[] payload = opaque.map(Content.Opaque::data).orElseGet(() -> record.encoded(codec));
        String type = opaque.map(Content.Opaque::contentType).orElse(codec.mediaType());
        boolean utf8 = opaque.isEmpty() && codec.mediaType().equals("application/json");
        return new Message(topic, payload, 2, true, Optional.of(type), utf8, Optional.empty(), Optional.empty(),
                List.of(), 0, "");
    }

    @Override
    public void close() {
        closed = true;
        events.close();
    }
}
