package pier.protocol.mqtt;

/**
 * One subscription of a session, as kept across restarts.
 *
 * @param filter            the topic filter
 * @param qos               the granted QoS
 * @param noLocal           v5: not the session's own publishes
 * @param retainAsPublished v5: keep the RETAIN flag when forwarding
 * @param retainHandling    v5: 0 send retained messages on subscribe, 1 only for a new subscription, 2 never
 * @param identifier        v5 Subscription Identifier, 0 for none
 * @param latest            delivery mode {@code latest} (v5 user property {@code delivery}): a message for a topic
 *                          that still has one waiting for the client replaces it
 */
public record Subscription(String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling,
                           int identifier, boolean latest) {
}
