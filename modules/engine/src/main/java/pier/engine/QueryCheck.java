package pier.engine;

import java.util.Map;
import java.util.Optional;

import pier.query.Filter;
import pier.query.Operator;
import pier.query.Path;
import pier.query.Query;
import pier.query.Value;
import pier.resource.ResourceException;

/**
 * Checks a query against a table's schema before it runs: attributes a sealed type does not declare,
 * and values that can never compare with a declared number or boolean attribute, are refused rather
 * than matching nothing.
 */
final class QueryCheck {

    private static final java.util.Set<String> HISTORY_PARAMETERS = java.util.Set.of("previousCount", "startTime");

    private final TableDefinition table;

    QueryCheck(TableDefinition table) {
        this.table = table;
    }

    /** Checks every attribute and value of a collection query. */
    Query attributes(Query query) {
        query.attributes().forEach(this::declared);
        query.filter().ifPresent(this::values);
        return query;
    }

    /** Checks a query on one record, which may only select. */
    Query selectOnly(Query query, String what) {
        if (query.filter().isPresent() || !query.sort().isEmpty() || query.limit().isPresent()) {
            throw ResourceException.badRequest(what + " takes select() only, not a condition, sort() or limit(): "
                    + query, "query");
        }
        return attributes(query);
    }

    /** Checks a query that may only hold a condition. */
    Query conditionOnly(Query query, String what) {
        if (query.selection().isPresent() || !query.sort().isEmpty() || query.limit().isPresent()) {
            throw ResourceException.badRequest(what + " takes a condition only, not select(), sort() or limit(): "
                    + query, "query");
        }
        return attributes(query);
    }

    /**
     * The condition of a live query. The reference's history parameters ({@code previousCount},
     * {@code startTime}) would otherwise be read as conditions on attributes that no record has, and match
     * nothing in silence: unless the table declares such an attribute, they are refused.
     */
    Query liveQuery(Query query) {
        for (Path path : query.attributes()) {
            if (path.names().size() == 1 && HISTORY_PARAMETERS.contains(path.text())
                    && !table.attributes().containsKey(path.text())) {
                throw ResourceException.badRequest(path.text() + " asks for a replay, not a condition: give it as a "
                        + "parameter of a WebSocket or event-stream URL, or as an MQTT 5 SUBSCRIBE user property", "query");
            }
        }
        return conditionOnly(query, "a live query");
    }

    private Optional<Attribute> declared(Path path) {
        Map<String, Attribute> attributes = table.attributes();
        boolean sealed = table.sealed();
        String type = table.name();
        Attribute attribute = null;
        for (String name : path.names()) {
            if (attribute != null) {
                if (!(attribute.type() instanceof AttributeType.ObjectOf nested)) {
                    return Optional.empty();
                }
                attributes = nested.attributes();
                sealed = nested.sealed();
                type = nested.name();
            }
            attribute = attributes.get(name);
            if (attribute == null) {
                if (sealed) {
                    throw ResourceException.badRequest("unknown attribute " + path.text() + " at position "
                            + path.position() + ": " + type + " is sealed and declares " + attributes.keySet(),
                            path.text());
                }
                return Optional.empty();
            }
        }
        return Optional.ofNullable(attribute);
    }

    private void values(Filter filter) {
        switch (filter) {
            case Filter.Comparison c -> declared(c.attribute()).ifPresent(a -> comparable(c, scalar(a.type())));
            case Filter.And and -> and.operands().forEach(this::values);
            case Filter.Or or -> or.operands().forEach(this::values);
        }
    }

    private static AttributeType.Kind scalar(AttributeType type) {
        return switch (type) {
            case AttributeType.Scalar s -> s.kind();
            case AttributeType.ListOf list -> scalar(list.element());
            case AttributeType.ObjectOf ignored -> AttributeType.Kind.ANY;
            case AttributeType.Joined ignored -> AttributeType.Kind.ANY;
        };
    }

    private static void comparable(Filter.Comparison comparison, AttributeType.Kind kind) {
        boolean number = kind == AttributeType.Kind.INT || kind == AttributeType.Kind.LONG
                || kind == AttributeType.Kind.FLOAT;
        if (!number && kind != AttributeType.Kind.BOOLEAN) {
            return;
        }
        Operator operator = comparison.operator();
        Value value = comparison.value();
        String where = comparison.attribute().text() + " is " + (number ? "a number" : "a boolean");
        if (operator == Operator.STARTS_WITH || operator == Operator.ENDS_WITH || operator == Operator.CONTAINS) {
            throw ResourceException.badRequest(operator.symbol() + " compares strings, but " + where + " ("
                    + comparison + ")", comparison.attribute().text());
        }
        boolean strict = operator == Operator.STRICT_EQUAL || operator == Operator.STRICT_NOT_EQUAL;
        boolean fits = (strict ? java.util.List.of(value.strictForm()) : value.looseForms()).stream()
                .anyMatch(form -> form.isNull() || (number ? form.isNumber() : form.isBoolean()));
        if (!fits) {
            throw ResourceException.badRequest(where + ", so " + comparison + " can never match"
                    + (strict ? "; strict comparisons need a typed value, e.g. " + comparison.attribute().text()
                    + operator.symbol() + (number ? "number:" : "boolean:") + value.text() : ""),
                    comparison.attribute().text());
        }
    }
}
