package pier.protocol.http;

import pier.resource.Outgoing;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

/**
 * How a WebSocket or an event stream delivers, named by the parameter {@code delivery} (see
 * {@link StreamParameters}): every
 * event ({@code every}, the default), or the newest of each record ({@code latest}) once the client falls
 * behind, each event then saying with {@code merged} how many changes it stands for.
 */
enum DeliveryMode {
    EVERY, LATEST;

    /** A subscriber's stream delivered in this mode. */
    Subscription apply(Subscription stream) {
        if (this == EVERY) {
            return stream;
        }
        Outgoing latest = new Outgoing(SubscribeOptions.DEFAULT.capacity(), SubscribeOptions.Overflow.LATEST);
        latest.follow(stream);
        return latest;
    }
}
