package pier.protocol.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import pier.resource.Connection;
import pier.resource.Event;
import pier.resource.Incoming;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

/**
 * Server-Sent Events of a record, a collection or a live query: {@code event:} the type, {@code id:}
 * the feed position (on {@code synced} and every change), {@code data:} the event as JSON. Headers go
 * out at once, a {@code retry:} hint first, and a comment keeps an idle stream alive. The stream runs
 * on the request's virtual thread until the client goes away or falls too far behind.
 */
final class EventStream {

    private static final System.Logger LOG = System.getLogger(EventStream.class.getName());
    private static final int RETRY_MILLIS = 3_000;
    private static final Duration LAST_WRITE = Duration.ofSeconds(5);
    private static final SubscribeOptions RESUMING = new SubscribeOptions(10_000, SubscribeOptions.Overflow.CLOSE,
            true);

    private static final io.helidon.http.HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");

    private EventStream() {
    }

    private static long position(String lastEventId) {
        try {
            return Math.max(0, Long.parseLong(lastEventId.strip()));
        } catch (NumberFormatException e) {
            throw pier.resource.ResourceException.badRequest("Last-Event-ID must be a feed position, not "
                    + lastEventId, "Last-Event-ID");
        }
    }

    /** Whether the client prefers an event stream to any format of a single answer (q-aware). */
    static boolean wanted(ServerRequest request) {
        return request.headers().bestAccepted(MediaTypes.APPLICATION_JSON, MediaTypes.TEXT_EVENT_STREAM)
                .filter(MediaTypes.TEXT_EVENT_STREAM::equals).isPresent()
                && request.headers().contains(HeaderNames.ACCEPT);
    }

    static void stream(Resource resource, ServerRequest http, Request request, StreamParameters parameters,
                       ServerResponse response, Duration keepAlive, Connection presence) {
        Optional<Long> resumeAfter = http.headers().first(LAST_EVENT_ID).map(EventStream::position);
        // a stream is the resource's connection without incoming messages; resuming replays the persisted
        // feed, which only a subscription has
        Subscription subscription = parameters.delivery().apply(resumeAfter.isPresent()
                ? resource.subscribe(request, RESUMING.resumingAfter(resumeAfter.get()))
                : resource.connect(request, Incoming.NONE));
        presence.queueDepth(subscription::waiting);
        response.status(Status.OK_200).header(HeaderNames.CONTENT_TYPE, "text/event-stream")
                .header(HeaderNames.CACHE_CONTROL, "no-cache");
        try (StalledSocket stalled = new StalledSocket(); subscription; OutputStream out = response.outputStream()) {
            // a client that stopped reading leaves this thread blocked in a write while its queue overflows
            // (not at once: a thread that was only waiting for the next event still writes the error event)
            subscription.onClose(() -> subscription.closeReason().ifPresent(reason -> stalled.interruptAfter(
                    LAST_WRITE)));
            write(out, "retry: " + RETRY_MILLIS + "\n\n");
            relay(subscription, out, resumeAfter.isPresent(), keepAlive, parameters.previous(), presence);
            if (subscription.closeReason().isPresent()) {
                presence.close(subscription.closeReason().get(), false);
                stalled.interruptAfter(LAST_WRITE);
                write(out, "event: error\ndata: " + JsonNodeFactory.instance.objectNode().put("type", "error")
                        .put("reason", subscription.closeReason().get()) + "\n\n");
            }
        } catch (IOException | java.io.UncheckedIOException | io.helidon.webserver.ServerConnectionException e) {
            // the client went away, or the socket was closed under a stalled write: ordinary, one debug line
            presence.close("connection lost", false);
            LOG.log(System.Logger.Level.DEBUG, "event stream {0} ended: {1}", http.path().rawPath(), e.toString());
        }
    }

    /** Writes events until the subscription ends; returns early when interrupted by its overflow. */
    private static void relay(Subscription subscription, OutputStream out, boolean resumed, Duration keepAlive,
                              boolean previous, Connection presence) {
        // replayed changes are feed positions; a state (fresh, or after a reset) is not
        boolean live = resumed;
        long merged = 0;
        try {
            while (!subscription.isClosed()) {
                Optional<Event> next = subscription.next(keepAlive);
                if (next.isEmpty()) {
                    write(out, ": keep-alive\n\n");
                    continue;
                }
                Event event = next.get();
                live = event instanceof Event.Synced || live && !(event instanceof Event.Reset);
                if (event instanceof Event.Merged marker) {
                    merged = marker.merged(); // said by the event it comes before
                } else if (!(event instanceof Event.Gap)) {
                    // the state's records carry the sequence of their last write, not a position to resume from
                    byte[] frame = frame(event, live, merged, previous).getBytes(StandardCharsets.UTF_8);
                    write(out, frame);
                    presence.sent(frame.length);
                    merged = 0;
                }
            }
        } catch (InterruptedException e) {
            // the subscription overflowed while we waited: the stream is still usable for the error event
        }
    }

    private static String frame(Event event, boolean withId, long merged, boolean previous) {
        return "event: " + Events.type(event) + "\n" + (withId ? "id: " + event.sequence() + "\n" : "")
                + "data: " + Events.json(event, merged, previous) + "\n\n";
    }

    private static void write(OutputStream out, String text) {
        write(out, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
