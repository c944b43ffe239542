package pier.resource;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A connection's incoming messages, each let through only while the caller may still publish to the
 * resource: a message sent without the right is dropped, as an MQTT broker drops an unauthorized QoS 0
 * publish.
 */
final class GuardedIncoming implements Incoming {

    private final Incoming incoming;
    private final BooleanSupplier allowed;

    GuardedIncoming(Incoming incoming, BooleanSupplier allowed) {
        this.incoming = incoming;
        this.allowed = allowed;
    }

    @Override
    public void onMessage(Consumer<Content> listener) {
        incoming.onMessage(message -> {
            if (allowed.getAsBoolean()) {
                listener.accept(message);
            }
        });
    }

    @Override
    public Iterator<Content> iterator() {
        Iterator<Content> messages = incoming.iterator();
        return new Iterator<>() {
            private Content next;

            @Override
            public boolean hasNext() {
                while (next == null && messages.hasNext()) {
                    Content candidate = messages.next();
                    if (allowed.getAsBoolean()) {
                        next = candidate;
                    }
                }
                return next != null;
            }

            @Override
            public Content next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Content taken = next;
                next = null;
                return taken;
            }
        };
    }
}
