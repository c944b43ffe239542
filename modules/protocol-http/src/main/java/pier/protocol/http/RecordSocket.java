package pier.protocol.http;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;

import pier.codec.Codec;
import pier.codec.CodecException;
import pier.resource.Content;
import pier.resource.Event;
import pier.resource.Incoming;
import pier.resource.Outgoing;
import pier.resource.Request;
import pier.resource.Resource;

/**
 * A plain WebSocket on a record, a collection or a live query: the resource's {@code connect} stream
 * sent as events {@code {type, id, value, version, sequence}} (JSON in text frames, CBOR or MessagePack
 * in binary frames, by the upgrade's {@code Accept}), and the client's frames, decoded by the upgrade's
 * {@code Content-Type}, handed to the resource.
 */
final class RecordSocket {

    private final Resource resource;
    private final Request request;
    private final Codec outgoing;
    private final Codec incoming;
    private final BlockingQueue<Content> received = new LinkedBlockingQueue<>();
    private final List<Consumer<Content>> listeners = new CopyOnWriteArrayList<>();
    private Outgoing stream;

    RecordSocket(Resource resource, Request request, Codec outgoing, Codec incoming) {
        this.resource = resource;
        this.request = request;
        this.outgoing = outgoing;
        this.incoming = incoming;
    }

    void open(WsSession session) {
        stream = resource.connect(request, new Incoming() {
            @Override
            public Iterator<Content> iterator() {
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return true;
                    }

                    @Override
                    public Content next() {
                        try {
                            return received.take();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new java.util.NoSuchElementException("interrupted");
                        }
                    }
                };
            }

            @Override
            public void onMessage(Consumer<Content> listener) {
                listeners.add(listener);
            }
        });
        Thread.ofVirtual().name("ws-" + request.id().orElse("*")).start(() -> forward(session));
    }

    private void forward(WsSession session) {
        try {
            while (!stream.isClosed()) {
                Optional<Event> next = stream.next(Duration.ofSeconds(1));
                if (next.isPresent() && next.get().type() != Event.Type.GAP) {
                    send(session, Events.json(next.get()));
                }
            }
            // a stream closed by the server: it fell behind, or the resource ended it
            synchronized (session) {
                session.close(1008, "the client fell behind or the stream ended");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the socket went away
        }
    }

    private void send(WsSession session, JsonNode event) {
        byte[] bytes = outgoing.encode(event);
        synchronized (session) {
            if (outgoing.mediaType().equals("application/json")) {
                session.send(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), true);
            } else {
                session.send(BufferData.create(bytes), true);
            }
        }
    }

    void receive(WsSession session, byte[] frame) {
        Content content;
        try {
            content = new Content.Structured(incoming.decode(frame));
        } catch (CodecException e) {
            send(session, JsonNodeFactory.instance.objectNode().put("type", "error").put("reason", e.getMessage()));
            return;
        }
        received.add(content);
        listeners.forEach(listener -> listener.accept(content));
    }

    void closed() {
        if (stream != null) {
            stream.close();
        }
    }
}
