package pier.protocol.mqtt;

import io.netty.handler.codec.mqtt.MqttMessage;

/**
 * What carries one client connection's packets: TCP through Netty, or a WebSocket. Every method may be
 * called from any thread and must not block.
 */
public interface MqttTransport {

    /** Queues a packet for the client. */
    void send(MqttMessage message);

    /** Writes what {@link #send} queued. */
    void flush();

    /**
     * Runs a task on the transport's own I/O thread, after what was sent before it, where sending costs
     * least and batches best. The default runs it at once.
     */
    default void execute(Runnable task) {
        task.run();
    }

    /** Whether more can be sent now without growing the transport's buffer. */
    boolean writable();

    /** Stops or resumes reading from the client (backpressure on a fast publisher). */
    void pauseReading(boolean paused);

    /** Closes the connection after what was sent is written. */
    void close();

    /** The peer, for logs; known even after the connection ended. */
    String remoteAddress();

    /**
     * The protocol as {@code $connections} names it.
     *
     * @return {@link pier.resource.Connections#MQTT} unless the transport says otherwise
     */
    default String protocol() {
        return pier.resource.Connections.MQTT;
    }

    /** The peer's host ({@code /127.0.0.1:41984} gives {@code 127.0.0.1}), as the failed-login throttle counts it. */
    default String remoteHost() {
        String address = remoteAddress();
        String host = address.startsWith("/") ? address.substring(1) : address;
        int colon = host.lastIndexOf(':');
        return colon > 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
    }

    /** The format the transport's own handshake asked for (a WebSocket upgrade's {@code Accept}), if any. */
    default java.util.Optional<String> accept() {
        return java.util.Optional.empty();
    }

    /**
     * The format of payloads that name none, as the transport's own handshake declared it (a WebSocket
     * upgrade's {@code Content-Type}), if any.
     */
    default java.util.Optional<String> contentType() {
        return java.util.Optional.empty();
    }

    /** Who the transport's own handshake authenticated (a WebSocket upgrade's credentials), if anyone. */
    default java.util.Optional<pier.resource.Principal> authenticated() {
        return java.util.Optional.empty();
    }
}
