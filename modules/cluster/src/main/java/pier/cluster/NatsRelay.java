package pier.cluster;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamState;
import io.nats.client.impl.Headers;

import pier.engine.Replication;
import pier.resource.MessageRelay;

/**
 * Messages no table keeps, between nodes: QoS 0 over core NATS (at most once, nothing stored), QoS 1 and 2
 * and retained ones through the messages stream, which keeps them for a short while so that a node
 * reconnecting to NATS still gets them. A node's own messages are recognised by their origin header and
 * not delivered twice.
 */
final class NatsRelay implements MessageRelay {

    private final Connection nats;
    private final JetStream stream;
    private final String node;
    private final Replication replication;
    private final Problems problems;
    private final Headers headers;
    private final Map<String, Consumer<Relayed>> receivers = new ConcurrentHashMap<>();
    private static final long KEEP_EVERY = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private JetStreamSubscription kept;
    private volatile long lastSeen;
    private volatile long seenAt;
    private boolean fleeting;

    NatsRelay(Connection nats, Replication replication, Problems problems) throws IOException {
        this.nats = nats;
        this.stream = nats.jetStream();
        this.node = replication.node();
        this.replication = replication;
        this.problems = problems;
        this.headers = new Headers().put(Names.ORIGIN, node);
    }

    @Override
    public void send(Relayed message) {
        byte[] body = Wire.relayed(message);
        if (!Names.fits(nats, body)) {
            problems.each("relaying", "a message to " + message.topic() + " (" + body.length + " bytes) is larger "
                    + "than the NATS servers' max_payload: delivered on this node only");
            return;
        }
        if (message.qos() == 0 && !message.retain()) {
            nats.publish(Names.FLEETING_PREFIX + message.channel(), headers, body);
            return;
        }
        stream.publishAsync(Names.messages(message.channel()), headers, body).whenComplete((ack, failure) -> {
            if (failure != null) {
                problems.report("relaying", "a message to " + message.topic() + " did not reach the other nodes: "
                        + Problems.message(failure));
            }
        });
    }

    @Override
    public void receive(String channel, Consumer<Relayed> receiver) {
        receivers.put(channel, receiver);
    }

    /** Starts taking the other nodes' messages: from where this node left off if the stream holds it, else new ones. */
    void start(Dispatcher dispatcher) throws IOException, JetStreamApiException {
        if (kept != null) {
            return;
        }
        if (!fleeting) {
            dispatcher.subscribe(Names.FLEETING_PREFIX + ">", message -> deliver(message,
                    message.getSubject().substring(Names.FLEETING_PREFIX.length())));
            fleeting = true;
        }
        String keptPrefix = Names.messages("");
        kept = stream.subscribe(Names.MESSAGES_SUBJECTS, dispatcher, message -> {
            deliver(message, message.getSubject().substring(keptPrefix.length()));
            seen(message.metaData().streamSequence());
        }, false, PushSubscribeOptions.builder().stream(Names.MESSAGES).ordered(true).configuration(from()).build());
    }

    private ConsumerConfiguration from() throws IOException, JetStreamApiException {
        long seen = replication.messagesSeen();
        StreamState held = nats.jetStreamManagement().getStreamInfo(Names.MESSAGES).getStreamState();
        seenAt = System.nanoTime();
        lastSeen = seen;
        return seen > 0 && seen + 1 >= held.getFirstSequence() && seen <= held.getLastSequence()
                ? ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(seen + 1)
                .build()
                : ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.New).build();
    }

    // kept at most once a second: after a crash, the messages since are delivered again (at least once)
    private void seen(long sequence) {
        lastSeen = sequence;
        if (System.nanoTime() - seenAt > KEEP_EVERY) {
            keepSeen();
        }
    }

    private void keepSeen() {
        seenAt = System.nanoTime();
        replication.messagesSeen(lastSeen);
    }

    private void deliver(Message message, String channel) {
        if (message.getHeaders() != null && node.equals(message.getHeaders().getFirst(Names.ORIGIN))) {
            return;
        }
        Consumer<Relayed> receiver = receivers.get(channel);
        if (receiver != null) {
            try {
                receiver.accept(Wire.relayed(channel, message.getData()));
            } catch (RuntimeException e) {
                problems.report("delivering", "a message from another node was not delivered: "
                        + Problems.message(e));
            }
        }
    }

    void close() {
        if (kept != null && kept.isActive()) {
            kept.unsubscribe();
            keepSeen();
        }
    }
}
