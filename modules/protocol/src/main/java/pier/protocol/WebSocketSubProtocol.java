package pier.protocol;

import java.util.Optional;

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
     * @param peer   what sends to the client
     * @param accept the upgrade request's {@code Accept} header, if any
     * @return what receives the client's frames
     */
    Connection open(Peer peer, Optional<String> accept);

    /** The client's side of the connection. Its methods may be called from any thread. */
    interface Peer {

        /** Sends one binary frame; blocks while the socket is busy. */
        void send(byte[] frame);

        /** Closes the connection with a WebSocket close code. */
        void close(int code, String reason);

        /** The client's address, for logs. */
        String remoteAddress();
    }

    /** What the server does with what the client sends. */
    interface Connection {

        /** Bytes of one binary frame, in order. */
        void receive(byte[] data);

        /** The WebSocket closed. */
        void closed();
    }
}
