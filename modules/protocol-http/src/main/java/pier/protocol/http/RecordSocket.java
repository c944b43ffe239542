package pier.protocol.http;

import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;

import pier.codec.Codec;
import pier.codec.CodecException;
import pier.resource.Connection;
import pier.resource.Connections;
import pier.resource.Content;
import pier.resource.Event;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.Subscription;
import pier.security.UserQuota;

/**
 * A plain WebSocket on a record, a collection or a live query: the resource's {@code connect} stream
 * sent as events {@code {type, id, value, version, sequence}} (JSON in text frames, CBOR or MessagePack
 * in binary frames, by the upgrade's {@code Accept}), and the client's frames, decoded by the upgrade's
 * {@code Content-Type}, handed to the resource.
 */
final class RecordSocket {

    private final Resource resource;
    private final Request request;
    private final StreamParameters parameters;
    private final Codec outgoing;
    private final Codec incoming;
    private final ReceivedMessages received = new ReceivedMessages();
    private static final Duration LAST_WRITE = Duration.ofSeconds(5);

    private final UserQuota quota;

    private volatile Subscription stream;
    private volatile boolean clientGone;
    private volatile Runnable releaseConnection = () -> { };
    private volatile Connection presence;

    RecordSocket(Resource resource, Request request, StreamParameters parameters, Codec outgoing, Codec incoming,
                 UserQuota quota) {
        this.resource = resource;
        this.parameters = parameters;
        this.request = request;
        this.outgoing = outgoing;
        this.incoming = incoming;
        this.quota = quota;
    }

    void open(WsSession session, Connections connections, String path, String remoteAddress) {
        try {
            releaseConnection = quota.openConnection(request.principal());
        } catch (ResourceException e) {
            // another connection of the user opened since the upgrade was let through
            session.close(1008, e.getMessage());
            return;
        }
        Connection shown = connections.open(Connections.WEBSOCKET, request.principal(), remoteAddress,
                Optional.empty());
        shown.subscribed(java.util.List.of(path));
        stream = parameters.delivery().apply(resource.connect(request, received));
        shown.queueDepth(stream::waiting);
        presence = shown;
        Thread.ofVirtual().name("ws-" + request.id().orElse("*")).start(() -> forward(session));
    }

    private void forward(WsSession session) {
        try (StalledSocket stalled = new StalledSocket()) {
            // a client that stopped reading leaves this thread blocked in a send while its queue overflows
            // (not at once: a thread that was only waiting for the next event still sends the closing frame)
            stream.onClose(() -> stream.closeReason().ifPresent(reason -> stalled.interruptAfter(LAST_WRITE)));
            forwardAll(session);
            if (clientGone) {
                return;
            }
            stalled.interruptAfter(LAST_WRITE);
            stream.closeReason().ifPresent(reason -> presence.close(reason, false));
            synchronized (session) {
                stream.closeReason().ifPresentOrElse(reason -> session.close(1008, reason),
                        () -> session.close(1000, "the stream ended"));
            }
        } catch (RuntimeException e) {
            // the socket went away, or was closed under a stalled write
        }
    }

    /** Sends events until the stream ends (an interrupt in a send closes the socket and throws). */
    private void forwardAll(WsSession session) {
        long merged = 0;
        try {
            while (stream.closeReason().isEmpty()) {
                // closing the stream (the client left, the resource ended it) wakes this wait
                Optional<Event> next = stream.next(Duration.ofMinutes(1));
                if (next.isEmpty() && stream.isClosed()) {
                    break;
                }
                if (next.isPresent() && next.get() instanceof Event.Merged marker) {
                    merged = marker.merged(); // said by the event it comes before
                } else if (next.isPresent() && !(next.get() instanceof Event.Gap)) {
                    send(session, Events.json(next.get(), merged, parameters.previous()));
                    merged = 0;
                }
            }
        } catch (InterruptedException e) {
            // the stream overflowed while we waited: the socket is still usable for the close frame
        }
    }

    private void send(WsSession session, JsonNode event) {
        byte[] bytes = outgoing.encode(event);
        Connection shown = presence;
        if (shown != null) {
            shown.sent(bytes.length);
        }
        synchronized (session) {
            if (outgoing.mediaType().equals("application/json")) {
                session.send(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), true);
            } else {
                session.send(BufferData.create(bytes), true);
            }
        }
    }

    void receive(WsSession session, byte[] frame) {
        Connection shown = presence;
        if (shown != null) {
            shown.received(frame.length);
        }
        Content content;
        try {
            content = new Content.Structured(incoming.decode(frame));
        } catch (CodecException e) {
            send(session, JsonNodeFactory.instance.objectNode().put("type", "error").put("reason", e.getMessage()));
            return;
        }
        received.add(content);
    }

    void closed(String why) {
        releaseConnection.run();
        Connection shown = presence;
        if (shown != null) {
            shown.close(why, false);
        }
        clientGone = true;
        received.end();
        if (stream != null) {
            stream.close();
        }
    }
}
