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
import io.nats.client.impl.Headers;

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
    private final Problems problems;
    private final Headers headers;
    private final Map<String, Consumer<Relayed>> receivers = new ConcurrentHashMap<>();
    private JetStreamSubscription kept;
    private boolean fleeting;

    NatsRelay(Connection nats, String node, Problems problems) throws IOException {
        this.nats = nats;
        this.stream = nats.jetStream();
        this.node = node;
        this.problems = problems;
        this.headers = new Headers().put(Names.ORIGIN, node);
    }

    @Override
    public void send(Relayed message) {
        byte[] body = Wire.relayed(message);
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

    /** Starts taking the other nodes' messages: those sent from now on. */
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
        kept = stream.subscribe(Names.MESSAGES_SUBJECTS, dispatcher,
                message -> deliver(message, message.getSubject().substring(keptPrefix.length())), false,
                PushSubscribeOptions.builder().stream(Names.MESSAGES).ordered(true).configuration(
                        ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.New).build()).build());
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
        }
    }
}
