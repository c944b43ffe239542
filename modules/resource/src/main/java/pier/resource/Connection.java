package pier.resource;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One live client connection as {@link Connections} shows it: who, from where, since when, what it
 * subscribes to, and what it has moved. Its transport reports to it; the counters are plain atomic adds
 * made by the transport's own threads, and only a change of what the connection is (its subscriptions,
 * its end) becomes an event of {@code $connections}.
 */
public final class Connection {

    private final Connections owner;
    private final long number;
    private final String protocol;
    private final String user;
    private final String remoteAddress;
    private final Optional<String> clientId;
    private final Instant since = Instant.now();
    private final Set<String> subscriptions = new LinkedHashSet<>(); // guarded by itself
    private final AtomicLong messagesIn = new AtomicLong();
    private final AtomicLong messagesOut = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile IntSupplier queueDepth = () -> 0;
    private volatile ObjectNode will;

    Connection(Connections owner, long number, String protocol, Principal principal, String remoteAddress,
               Optional<String> clientId) {
        this.owner = owner;
        this.number = number;
        this.protocol = protocol;
        this.user = principal.name();
        this.remoteAddress = remoteAddress;
        this.clientId = clientId;
    }

    /** @return its id in {@code $connections}: its number, in the order connections opened */
    public String id() {
        return Long.toString(number);
    }

    long number() {
        return number;
    }

    /** @return its protocol, one of the {@code Connections} protocol names */
    public String protocol() {
        return protocol;
    }

    /**
     * It subscribed to topic filters or paths (one event for all of them).
     *
     * @param filters what it subscribed to
     */
    public void subscribed(Collection<String> filters) {
        boolean changed;
        synchronized (subscriptions) {
            changed = subscriptions.addAll(filters);
        }
        if (changed) {
            owner.changed(this);
        }
    }

    /**
     * It ended subscriptions (one event for all of them).
     *
     * @param filters what it unsubscribed from
     */
    public void unsubscribed(Collection<String> filters) {
        boolean changed;
        synchronized (subscriptions) {
            changed = subscriptions.removeAll(filters);
        }
        if (changed) {
            owner.changed(this);
        }
    }

    /**
     * It received a message from its client.
     *
     * @param bytes the message's payload size
     */
    public void received(int bytes) {
        messagesIn.incrementAndGet();
        bytesIn.addAndGet(bytes);
    }

    /**
     * It sent a message to its client.
     *
     * @param bytes the message's payload size
     */
    public void sent(int bytes) {
        messagesOut.incrementAndGet();
        bytesOut.addAndGet(bytes);
    }

    /**
     * Messages for its client were dropped (its queue was full).
     *
     * @param count how many
     */
    public void dropped(long count) {
        dropped.addAndGet(count);
    }

    /**
     * Where its queue depth is read.
     *
     * @param depth how many messages wait to be sent to the client
     */
    public void queueDepth(IntSupplier depth) {
        queueDepth = depth;
    }

    /**
     * The message published for it if it ends abnormally (an MQTT will): shown while it is connected, and
     * on its end whether it is due.
     *
     * @param topic         the will's topic
     * @param qos           its quality of service
     * @param retain        whether it is retained
     * @param delaySeconds  how long after the end it is published, unless the session resumes
     */
    public void will(String topic, int qos, boolean retain, long delaySeconds) {
        will = JsonNodeFactory.instance.objectNode().put("topic", topic).put("qos", qos).put("retain", retain)
                .put("delaySeconds", delaySeconds);
    }

    /**
     * It ended; the first call counts. Subscribers of {@code $connections} get its last state, with the
     * reason and whether its will is due, then its deletion.
     *
     * @param reason  why it ended, as its protocol tells it
     * @param willDue whether its will is (or, after its delay, will be) published
     */
    public void close(String reason, boolean willDue) {
        if (closed.compareAndSet(false, true)) {
            owner.closed(this, reason, willDue && will != null);
        }
    }

    long messagesIn() {
        return messagesIn.get();
    }

    long messagesOut() {
        return messagesOut.get();
    }

    long bytesIn() {
        return bytesIn.get();
    }

    long bytesOut() {
        return bytesOut.get();
    }

    long droppedCount() {
        return dropped.get();
    }

    int queued() {
        try {
            return queueDepth.getAsInt();
        } catch (RuntimeException e) {
            return 0; // a transport that is going away
        }
    }

    /** Its state as a record body. */
    ObjectNode value() {
        ObjectNode value = JsonNodeFactory.instance.objectNode().put("id", id()).put("protocol", protocol)
                .put("user", user);
        clientId.ifPresent(client -> value.put("clientId", client));
        value.put("remoteAddress", remoteAddress).put("since", since.toString());
        var filters = value.putArray("subscriptions");
        synchronized (subscriptions) {
            subscriptions.forEach(filters::add);
        }
        value.put("queueDepth", queued()).put("messagesIn", messagesIn()).put("messagesOut", messagesOut())
                .put("bytesIn", bytesIn()).put("bytesOut", bytesOut()).put("dropped", droppedCount());
        if (will != null) {
            value.set("will", will.deepCopy());
        }
        return value;
    }
}
