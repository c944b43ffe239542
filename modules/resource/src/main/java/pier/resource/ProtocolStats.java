package pier.resource;

/**
 * What the connections of one protocol have done since the server started.
 *
 * @param connections  connections open now
 * @param opened       connections ever opened
 * @param messagesIn   messages received from clients
 * @param messagesOut  messages sent to clients
 * @param bytesIn      payload bytes of the messages received
 * @param bytesOut     payload bytes of the messages sent
 * @param queued       messages waiting now in the connections' queues
 * @param dropped      messages dropped because a client's queue was full
 */
public record ProtocolStats(long connections, long opened, long messagesIn, long messagesOut, long bytesIn,
                            long bytesOut, long queued, long dropped) {
}
