package pier.protocol.mqtt;

import java.time.Duration;

/**
 * The broker's limits.
 *
 * @param maxPacketSize     the largest packet accepted, in bytes (announced to v5 clients)
 * @param receiveMaximum    QoS 1 and 2 publishes a client may have unacknowledged towards the broker
 * @param maxKeepAlive      the longest keep-alive granted; longer (or none) is cut to this (v5: Server Keep Alive)
 * @param sessionBacklog    messages queued for one session before the oldest are dropped (counted and logged)
 * @param maxSubscriptions  subscriptions one session may hold; more is a quota violation
 * @param maxSessionExpiry  the longest a disconnected session is kept
 * @param stallLimit        how long a connected client whose queue is past its high-water mark (a tenth of the
 *                          backlog) may keep its publishers waiting before it is disconnected
 */
public record MqttSettings(int maxPacketSize, int receiveMaximum, Duration maxKeepAlive, int sessionBacklog,
                           int maxSubscriptions, Duration maxSessionExpiry, Duration stallLimit) {

    /**
     * 1 MiB packets, 1024 in flight, keep-alive up to an hour, 10,000 queued, 1,000 subscriptions, a week, a
     * stalled client disconnected after 10 s.
     */
    public static final MqttSettings DEFAULT = new MqttSettings(1 << 20, 1024, Duration.ofHours(1), 10_000, 1_000,
            Duration.ofDays(7), Duration.ofSeconds(10));

    /**
     * These limits with another longest keep-alive.
     *
     * @param longest the longest keep-alive granted
     * @return the new limits
     */
    public MqttSettings withMaxKeepAlive(Duration longest) {
        return new MqttSettings(maxPacketSize, receiveMaximum, longest, sessionBacklog, maxSubscriptions,
                maxSessionExpiry, stallLimit);
    }

    /**
     * These limits with another stall limit.
     *
     * @param limit how long a client that falls behind may hold up its publishers
     * @return the new limits
     */
    public MqttSettings withStallLimit(Duration limit) {
        return new MqttSettings(maxPacketSize, receiveMaximum, maxKeepAlive, sessionBacklog, maxSubscriptions,
                maxSessionExpiry, limit);
    }
}
