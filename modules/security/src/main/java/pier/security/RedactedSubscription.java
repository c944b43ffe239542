package pier.security;

import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;

import pier.resource.Event;
import pier.resource.Subscription;

/** A system table's subscription whose records are shown as the admin surface shows them. */
final class RedactedSubscription implements Subscription {

    private final Subscription table;
    private final UnaryOperator<JsonNode> shown;

    RedactedSubscription(Subscription table, UnaryOperator<JsonNode> shown) {
        this.table = table;
        this.shown = shown;
    }

    @Override
    public Optional<Event> next(Duration timeout) throws InterruptedException {
        return table.next(timeout).map(event -> event instanceof Event.Put put
                ? new Event.Put(put.value().withValue(shown.apply(put.value().value()))) : event);
    }

    @Override
    public Optional<String> closeReason() {
        return table.closeReason();
    }

    @Override
    public boolean isClosed() {
        return table.isClosed();
    }

    @Override
    public void onClose(Runnable listener) {
        table.onClose(listener);
    }

    @Override
    public void close() {
        table.close();
    }
}
