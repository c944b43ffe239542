package pier.engine;

import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

import pier.query.Query;
import pier.resource.Event;

/**
 * The changes a live query lets through: a record entering or changing inside the match is a put,
 * one leaving it is a {@link Event.Delete} with the reason {@link Event.Reason#LEFT}, and messages reach records inside the match. It remembers
 * which records are inside; its subscription calls it from one thread at a time.
 */
final class LiveQuery implements UnaryOperator<Event> {

    private final Query query;
    private final Set<String> inside;

    LiveQuery(Query query, Set<String> inside) {
        this.query = query;
        this.inside = new HashSet<>(inside);
    }

    @Override
    public Event apply(Event event) {
        String id = event.id();
        return switch (event) {
            case Event.Put put -> {
                if (query.matches(put.value().value())) {
                    inside.add(id);
                    yield event;
                }
                yield inside.remove(id)
                        ? new Event.Delete(id, event.version(), event.sequence(), Event.Reason.LEFT) : null;
            }
            case Event.Delete delete -> inside.remove(id) ? event : null;
            case Event.Message message -> inside.contains(id) ? event : null;
            case Event.Marker marker -> event;
        };
    }
}
