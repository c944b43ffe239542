package pier.engine;

import java.util.Iterator;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.query.Path;
import pier.query.Query;
import pier.resource.Access;
import pier.resource.Permission;
import pier.resource.Principal;
import pier.resource.Record;
import pier.resource.RedactedSubscription;
import pier.resource.ResourceException;
import pier.resource.Subscription;

/**
 * The attributes of a table a caller's roles withhold: left out of what the caller reads (records,
 * listings, subscription events), refused in what it queries on and writes. Nothing is copied for a
 * caller whose roles withhold nothing.
 */
final class AttributeGuard {

    private final Supplier<Access> access;
    private final String table;

    AttributeGuard(Supplier<Access> access, String table) {
        this.access = access;
        this.table = table;
    }

    Record shown(Principal principal, Record record) {
        Set<String> hidden = access.get().withheld(principal, table, Permission.READ);
        return hidden.isEmpty() || record.opaqueContent().isPresent() ? record
                : record.withValue(without(record.value(), hidden));
    }

    Subscription shown(Principal principal, Subscription subscription) {
        Set<String> hidden = access.get().withheld(principal, table, Permission.READ);
        return hidden.isEmpty() ? subscription : new RedactedSubscription(subscription, value -> without(value, hidden));
    }

    /** A query may not reveal a hidden attribute through a condition, an order or a selection. */
    Query checked(Principal principal, Query query) {
        Set<String> hidden = access.get().withheld(principal, table, Permission.READ);
        if (!hidden.isEmpty()) {
            for (Path path : query.attributes()) {
                if (hidden.contains(path.names().getFirst())) {
                    throw refused(principal, "read attribute " + path.names().getFirst() + " of " + table);
                }
            }
        }
        return query;
    }

    /** A write may not carry an attribute the caller may not write. */
    void checkWrite(Principal principal, Permission permission, JsonNode body) {
        Set<String> locked = access.get().withheld(principal, table, permission);
        if (locked.isEmpty() || body == null) {
            return;
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (locked.contains(name)) {
                throw refused(principal, permission.name().toLowerCase(java.util.Locale.ROOT) + " attribute " + name
                        + " of " + table);
            }
        }
    }

    /**
     * A replacement keeps what the writer may not write: it was not the writer's to remove.
     *
     * @param previous the record's body before, or null
     */
    ObjectNode kept(Principal principal, Permission permission, ObjectNode body, JsonNode previous) {
        if (previous != null) {
            access.get().withheld(principal, table, permission).stream().filter(previous::has)
                    .forEach(name -> body.set(name, previous.get(name)));
        }
        return body;
    }

    private static ResourceException refused(Principal principal, String action) {
        return Access.denied(principal, action);
    }

    private static JsonNode without(JsonNode value, Set<String> hidden) {
        if (!value.isObject()) {
            return value;
        }
        ObjectNode shown = ((ObjectNode) value).deepCopy();
        shown.remove(hidden);
        return shown;
    }
}
