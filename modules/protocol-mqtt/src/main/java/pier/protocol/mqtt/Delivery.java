package pier.protocol.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a message reaches one session through the subscriptions of it that match: at the highest of
 * their QoS, with every subscription identifier, retained as published when one asks for it, merged
 * with the waiting one of its topic when all ask for delivery mode latest.
 */
record Delivery(int qos, boolean retainAsPublished, List<Integer> identifiers, boolean latest) {

    /**
     * @param matching the session's subscriptions whose filters match the message's topic
     * @return the delivery, or empty when No Local leaves none of them (the session published it)
     */
    static Optional<Delivery> of(Iterable<Subscription> matching, Session session, Message message) {
        int qos = -1;
        boolean retainAsPublished = false;
        boolean latest = true;
        List<Integer> identifiers = new ArrayList<>(1);
        for (Subscription subscription : matching) {
            if (subscription.noLocal() && session.clientId.equals(message.publisher())) {
                continue;
            }
            qos = Math.max(qos, subscription.qos());
            retainAsPublished |= subscription.retainAsPublished();
            latest &= subscription.latest(); // merged only when every subscription that wants it asks for that
            if (subscription.identifier() > 0) {
                identifiers.add(subscription.identifier());
            }
        }
        return qos < 0 ? Optional.empty() : Optional.of(new Delivery(qos, retainAsPublished, identifiers, latest));
    }

    /** The QoS the message goes out at: never above the one it was published with. */
    int qos(Message message) {
        return Math.min(qos, message.qos());
    }

    /** The message queued for the session, at its position in the durable log (0: not logged). */
    Session.Pending pending(Message message, long position) {
        return new Session.Pending(message, qos(message), retainAsPublished && message.retain(), identifiers, position,
                null, latest, 0);
    }
}
