package pier.protocol.mqtt;

/**
 * Broker counters since start.
 *
 * @param connections      clients connected now
 * @param sessions         sessions kept, connected or not
 * @param messagesReceived PUBLISH packets received
 * @param messagesSent     PUBLISH packets sent
 * @param messagesDropped  messages dropped from full session backlogs
 * @param retained         retained messages
 * @param denied           publishes and subscriptions refused for lack of permission
 */
public record MqttStats(long connections, long sessions, long messagesReceived, long messagesSent,
                        long messagesDropped, long retained, long denied) {
}
