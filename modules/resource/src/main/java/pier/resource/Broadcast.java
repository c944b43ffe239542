package pier.resource;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subscribers of a custom resource's own messages: {@link #subscribe} hands each one a bounded
 * stream, {@link #send} reaches every stream open at the time. What a resource needs to implement
 * {@code publish} and {@code subscribe} without a table behind it.
 */
public final class Broadcast {

    private final Set<Outgoing> subscribers = ConcurrentHashMap.newKeySet();

    /**
     * Adds a subscriber until its stream closes.
     *
     * @param options how many messages may wait for it
     * @return its stream
     */
    public Outgoing subscribe(SubscribeOptions options) {
        Outgoing subscriber = new Outgoing(options.capacity());
        subscribers.add(subscriber);
        subscriber.onClose(() -> subscribers.remove(subscriber));
        return subscriber;
    }

    /**
     * Sends a message to every subscriber.
     *
     * @param message the message
     */
    public void send(Content message) {
        subscribers.forEach(subscriber -> subscriber.send(message));
    }

    /**
     * How many subscribers there are.
     *
     * @return the count
     */
    public int size() {
        return subscribers.size();
    }
}
