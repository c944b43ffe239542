package pier.protocol;

import java.util.Optional;

import pier.resource.Principal;

/**
 * A protocol carried in WebSocket binary frames on the HTTP port, chosen by the upgrade's
 * {@code Sec-WebSocket-Protocol}.
 */
public interface WebSocketSubProtocol {

    /**
     * The sub-protocol's name, as clients offer it.
     *
     * @return e.g. {@code mqtt}
     */
    String name();

    /**
     * A client upgraded with this sub-protocol.
     *
     * @param peer      what sends to the client
     * @param handshake what the upgrade request said
     * @return what receives the client's frames
     */
    Connection open(Peer peer, Handshake handshake);

    /**
     * What the upgrade request carried that the sub-protocol may use.
     *
     * @param accept      its {@code Accept} header: the format the client wants, if any
     * @param contentType its {@code Content-Type} header: the format the client sends, if any
     * @param principal   who its credentials (Basic, bearer token, session cookie) name, if it carried any;
     *                    wrong credentials never reach a sub-protocol (the upgrade is refused with 401)
     */
    record Handshake(Optional<String> accept, Optional<String> contentType, Optional<Principal> principal) {

        /** An upgrade that said nothing beyond the sub-protocol. */
        public static final Handshake NONE = new Handshake(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * The client's side of the connection. Its methods may be called from any thread and never block:
     * frames wait in a queue of the connection's own, written in order.
     */
    interface Peer {

        /** Queues one binary frame; nothing happens once the connection is closing. */
        void send(byte[] frame);

        /**
         * Whether the queue is short enough to add more; when it has drained after saying no, the
         * connection's {@link Connection#drained()} is called.
         */
        boolean writable();

        /**
         * Closes the connection with a WebSocket close code once the frames queued before are written; a
         * client that does not read them in time is cut off.
         */
        void close(int code, String reason);

        /** The client's address, for logs, as it was when the connection opened. */
        String remoteAddress();
    }

    /** What the server does with what the client sends. */
    interface Connection {

        /** Bytes of one binary frame, in order. */
        void receive(byte[] data);

        /** The queue of frames to the client has drained after {@link Peer#writable()} said no. */
        default void drained() {
        }

        /** The WebSocket ended, however it ended; called once. */
        void closed();
    }
}
