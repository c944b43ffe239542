package pier.resource;

import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A subscription whose records and messages are shown through a function: a system table's records as
 * the admin surface shows them, a table's without the attributes a reader may not see.
 */
public final class RedactedSubscription implements Subscription {

    private final Subscription table;
    private final UnaryOperator<JsonNode> shown;

    /**
     * Wraps a subscription.
     *
     * @param table the subscription
     * @param shown what a reader sees of a record's value
     */
    public RedactedSubscription(Subscription table, UnaryOperator<JsonNode> shown) {
        this.table = table;
        this.shown = shown;
    }

    @Override
    public Optional<Event> next(Duration timeout) throws InterruptedException {
        return table.next(timeout).map(event -> switch (event) {
            case Event.Put put -> new Event.Put(redacted(put.value()), put.previous().map(this::redacted));
            case Event.Message message -> new Event.Message(redacted(message.value()), message.sequence());
            default -> event;
        });
    }

    private Record redacted(Record record) {
        return record.opaqueContent().isPresent() ? record : record.withValue(shown.apply(record.value()));
    }

    @Override
    public Optional<String> closeReason() {
        return table.closeReason();
    }

    @Override
    public int waiting() {
        return table.waiting();
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
