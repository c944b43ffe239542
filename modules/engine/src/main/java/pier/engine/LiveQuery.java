package pier.engine;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import pier.query.Query;
import pier.resource.Event;

/**
 * The changes a live query lets through: a record entering or changing inside the match is a put,
 * one leaving it is {@link Event.Type#LEFT}, and messages reach records inside the match. It remembers
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
        return switch (event.type()) {
            case PUT -> {
                if (event.record().map(r -> query.matches(r.value())).orElse(false)) {
                    inside.add(id);
                    yield event;
                }
                yield inside.remove(id)
                        ? new Event(Event.Type.LEFT, id, Optional.empty(), event.version(), event.sequence()) : null;
            }
            case DELETE -> inside.remove(id) ? event : null;
            case MESSAGE -> inside.contains(id) ? event : null;
            default -> event;
        };
    }
}
