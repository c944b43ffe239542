package example.plugin;

import pier.resource.Broadcast;
import pier.resource.Incoming;
import pier.resource.Outgoing;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

/**
 * A WebSocket echo: every message comes back to its sender. Over MQTT, what is published to topic
 * {@code echo} goes to its subscribers.
 */
public final class Echo implements Resource {

    private final Broadcast subscribers = new Broadcast();

    @Override
    public Outgoing connect(Request request, Incoming incoming) {
        return Outgoing.produce(out -> incoming.forEach(out::send)); // each message back, until the client leaves
    }

    @Override
    public void publish(Request request) {
        subscribers.send(request.requiredContent());
    }

    @Override
    public Subscription subscribe(Request request, SubscribeOptions options) {
        return subscribers.subscribe(options);
    }
}
