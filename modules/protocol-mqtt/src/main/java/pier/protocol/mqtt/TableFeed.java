package pier.protocol.mqtt;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import pier.codec.Codec;
import pier.resource.Content;
import pier.resource.Event;
import pier.resource.Record;

/**
 * One MQTT subscription's view of a resource: the resource subscription's current records (sent as
 * retained messages) and then every change, turned into messages for the session in the format of its
 * connection. A record is encoded once per format, whatever the number of subscribers. The current
 * records are read on a thread of the feed's own; the changes after them are pushed into the session on
 * the thread that produces them (the engine's fan-out), with no thread of the feed's in between, when the
 * resource subscription can tell of arrivals and No Local needs no wait for the session's own writes.
 * A client that falls behind makes the feed stop taking events until its queue has room again: they wait
 * in the resource subscription's bounded queue meanwhile.
 */
final class TableFeed implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TableFeed.class.getName());

    private final Session session;
    private final Duration stallLimit;
    private final Subscription subscription;
    private final String name;
    private final pier.resource.Subscription events;
    private final boolean liveQuery;
    private final List<Integer> ids;
    // pushed: one thread takes events at a time (the count of arrivals not yet taken care of)
    private final AtomicInteger arrivals = new AtomicInteger();
    // read by whichever thread takes events, one at a time
    private boolean inState;
    private long merged;
    private volatile boolean waitingForRoom;
    private volatile boolean closed;

    TableFeed(Session session, Subscription subscription, String name, pier.resource.Subscription events,
              boolean currentState, Duration stallLimit) {
        this.session = session;
        this.stallLimit = stallLimit;
        this.subscription = subscription;
        this.name = name;
        this.events = events;
        this.inState = currentState;
        this.liveQuery = TableTopics.isLiveQuery(subscription.filter());
        this.ids = subscription.identifier() > 0 ? List.of(subscription.identifier()) : List.of();
        Thread.ofVirtual().name("mqtt-feed-" + name).start(this::run);
    }

    // the current state, then the changes: pushed from then on where they can be, else taken here
    private void run() {
        try {
            while (!closed && !events.isClosed()) {
                if (!inState && !subscription.noLocal() && events.onArrival(this::arrived)) {
                    arrived(); // what came before the listener did
                    return;
                }
                Optional<Event> next = events.next(Duration.ofSeconds(1));
                if (next.isPresent() && deliver(next.get())) {
                    session.awaitRoom(System.nanoTime() + stallLimit.toNanos());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            ended(e);
        }
    }

    // on the producer's thread, or the client's transport thread once its queue has room again
    private void arrived() {
        if (arrivals.getAndIncrement() != 0) {
            return; // the thread taking events now takes this one too
        }
        int missed = 1;
        do {
            takeWhatWaits();
            missed = arrivals.addAndGet(-missed);
        } while (missed != 0);
    }

    private void takeWhatWaits() {
        try {
            while (!closed && !waitingForRoom) {
                Optional<Event> next = events.next(Duration.ZERO);
                if (next.isEmpty()) {
                    return;
                }
                if (deliver(next.get())) {
                    waitingForRoom = true;
                    session.onRoom(() -> {
                        waitingForRoom = false;
                        arrived();
                    });
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            ended(e);
        }
    }

    /** Turns an event into a message for the session; returns whether the client is now behind. */
    private boolean deliver(Event event) throws InterruptedException {
        if (event instanceof Event.Marker) {
            inState &= !(event instanceof Event.Synced);
            merged = event instanceof Event.Merged marker ? marker.merged() : merged;
            return false;
        }
        String topic = event.id().isEmpty() ? name : name + "/" + event.id();
        // a live query's resource subscription has already chosen what matches
        if (!liveQuery && !Topics.matches(subscription.filter(), topic)) {
            return false;
        }
        if (subscription.noLocal() && session.ownWrites.wroteItself(topic, event.version())) {
            return false;
        }
        boolean change = !(event instanceof Event.Message);
        boolean retain = inState || subscription.retainAsPublished() && change;
        Session.Pending pending = new Session.Pending(message(topic, event, session.codec()), subscription.qos(),
                retain, ids, 0, null, subscription.latest(), merged);
        merged = 0;
        return session.offer(pending);
    }

    private void ended(RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "feed of " + subscription.filter() + " for " + session.clientId
                + " ended: " + e, e);
    }

    // a deletion is an empty payload, the MQTT way of clearing a retained value (v5 adds type=delete)
    private static Message message(String topic, Event event, Codec codec) {
        if (event instanceof Event.Delete delete) {
            List<Map.Entry<String, String>> properties = delete.reason() != Event.Reason.DELETED
                    ? List.of(Map.entry("type", "delete"), Map.entry("reason", delete.reason().wireName()))
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
