package pier.resource;

import java.time.Duration;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The messages a resource sends on a connection: {@code send} them, {@code close} when done, and
 * {@code onClose} hears when the client goes away. Bounded: a send to a full stream closes it, so a
 * slow client can never make the sender wait or hold unbounded memory. It is the {@link Subscription}
 * the protocol reads; a message sent as a value (not an {@link Event} about a record) reaches the
 * client as it is.
 */
public final class Outgoing extends QueuedSubscription {

    /** Creates a stream that holds as many waiting messages as a default subscription. */
    public Outgoing() {
        this(SubscribeOptions.DEFAULT.capacity());
    }

    /**
     * Creates a stream.
     *
     * @param capacity how many messages may wait for the client
     */
    public Outgoing(int capacity) {
        this(capacity, SubscribeOptions.Overflow.CLOSE);
    }

    /**
     * Creates a stream with another overflow policy: {@code LATEST} makes a protocol's delivery mode
     * {@code latest} out of any resource's stream ({@code new Outgoing(n, LATEST).follow(stream)}).
     *
     * @param capacity how many messages may wait for the client
     * @param overflow what happens when the client falls behind
     */
    public Outgoing(int capacity, SubscribeOptions.Overflow overflow) {
        super(capacity, overflow);
    }

    /**
     * Runs a producer on a virtual thread and streams what it sends, until it returns (the Java form of
     * an async generator: {@code send} is {@code yield}). A producer that throws ends the stream with
     * its message as the error.
     *
     * @param producer sends the messages
     * @return the stream
     */
    public static Outgoing produce(Consumer<Outgoing> producer) {
        Outgoing outgoing = new Outgoing();
        Thread.ofVirtual().name("outgoing").start(() -> {
            try {
                producer.accept(outgoing);
                outgoing.close();
            } catch (RuntimeException e) {
                outgoing.close(String.valueOf(e.getMessage()));
            }
        });
        return outgoing;
    }

    /**
     * Carries a subscription's events as well, until either ends; a subscription that ends with an error
     * (its client fell behind) ends this stream with it.
     *
     * @param subscription the events to carry
     */
    public void follow(Subscription subscription) {
        onClose(subscription::close); // which wakes the follower if it waits
        Thread.ofVirtual().name("outgoing-follow").start(() -> {
            try {
                while (!isClosed() && !subscription.isClosed()) {
                    subscription.next(Duration.ofMinutes(1)).ifPresent(this::send);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                subscription.closeReason().ifPresentOrElse(this::close, this::close);
            }
        });
    }

    /**
     * Sends a plain message.
     *
     * @param message the message
     */
    public void send(JsonNode message) {
        send(new Content.Structured(message));
    }

    /**
     * Sends a plain message, as received from a client or built by the resource.
     *
     * @param message the message
     */
    public void send(Content message) {
        send(new Event.Message(Record.message("", message), 0));
    }

    /**
     * Sends an event.
     *
     * @param event the event
     */
    public void send(Event event) {
        queue(event, "messages");
    }
}
