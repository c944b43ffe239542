package pier.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import pier.query.Filter;
import pier.query.Operator;
import pier.query.Path;
import pier.query.Query;
import pier.query.SortKey;
import pier.query.Value;
import pier.resource.Permission;
import pier.resource.Principal;
import pier.resource.Record;
import pier.resource.Request;
import pier.resource.ResourceException;

/**
 * A table's relationships ({@code @relationship}). A condition through one ({@code owner.name==Ann})
 * becomes a condition on this table's own attributes, found by the related table's planner on its
 * indexes: the owners named Ann give the {@code ownerId}s to look for. Named in {@code select()}, the
 * related records are joined into each result as the related table shows them to the caller, whose right
 * to read that table is required.
 */
final class Joins {

    // a condition no record meets: an empty "or"
    private static final Filter NOTHING = new Filter.Or(List.of());

    private final TableDefinition table;
    private final Database database;

    Joins(TableDefinition table, Database database) {
        this.table = table;
        this.database = database;
    }

    /** The relationships a query's {@code select()} names; sorting through one is refused. */
    Set<String> selected(Query query) {
        for (SortKey key : query.sort()) {
            if (relationship(key.attribute()).isPresent()) {
                throw ResourceException.badRequest("sort() through the relationship " + key.attribute().names()
                        .getFirst() + " is not supported", key.attribute().text());
            }
        }
        Set<String> names = new LinkedHashSet<>();
        query.selection().ifPresent(selection -> selection.attributes().forEach(path -> relationship(path)
                .ifPresent(joined -> names.add(path.names().getFirst()))));
        return names;
    }

    /** A live query is tested on each change as written: it may not go through a relationship. */
    Query local(Query query) {
        for (Path path : query.attributes()) {
            if (relationship(path).isPresent()) {
                throw ResourceException.badRequest("a live query cannot go through the relationship "
                        + path.names().getFirst(), path.text());
            }
        }
        return query;
    }

    /** The query with every condition through a relationship made one on this table's own attributes. */
    Query planned(Principal principal, Query query) {
        if (query.filter().isEmpty() || !goesThrough(query.filter().get())) {
            return query;
        }
        return new Query(Optional.of(rewrite(principal, query.filter().get())), query.selection(), query.sort(),
                query.limit(), query.text());
    }

    /** The record with the related records of the relationships named, as the caller may see them. */
    Record joined(Principal principal, Record record, Set<String> names) {
        if (names.isEmpty() || !record.value().isObject()) {
            return record;
        }
        ObjectNode value = ((ObjectNode) record.value()).deepCopy();
        for (String name : names) {
            AttributeType.Joined joined = (AttributeType.Joined) table.attributes().get(name).type();
            Table target = related(principal, joined);
            if (joined.from().isPresent()) {
                JsonNode key = value.get(joined.from().get());
                value.set(name, key == null || key.isNull() ? null : target.visible(principal, target.keys().idOf(key))
                        .map(Record::value).orElse(null));
            } else {
                ArrayNode many = value.putArray(name);
                try (var rows = target.list(Request.of(principal, null).withQuery(equal(joined.to().orElseThrow(),
                        value.get(table.primaryKey().name())))).records()) {
                    rows.forEach(row -> many.add(row.value()));
                }
            }
        }
        return record.withValue(value);
    }

    private boolean goesThrough(Filter filter) {
        return switch (filter) {
            case Filter.Comparison comparison -> comparison.attribute().names().size() > 1
                    && relationship(comparison.attribute()).isPresent();
            case Filter.And and -> and.operands().stream().anyMatch(this::goesThrough);
            case Filter.Or or -> or.operands().stream().anyMatch(this::goesThrough);
        };
    }

    private Filter rewrite(Principal principal, Filter filter) {
        return switch (filter) {
            case Filter.Comparison comparison -> goesThrough(comparison)
                    ? through(principal, comparison, relationship(comparison.attribute()).orElseThrow()) : comparison;
            case Filter.And and -> new Filter.And(and.operands().stream().map(f -> rewrite(principal, f)).toList());
            case Filter.Or or -> new Filter.Or(or.operands().stream().map(f -> rewrite(principal, f)).toList());
        };
    }

    // owner.name==Ann: the owners named Ann, then ownerId==o1|ownerId==o2; dogs.name==Rex: the dogs named
    // Rex, then id==<their ownerId>|...
    private Filter through(Principal principal, Filter.Comparison comparison, AttributeType.Joined joined) {
        Table target = related(principal, joined);
        List<String> names = comparison.attribute().names();
        Path inner = new Path(names.subList(1, names.size()), comparison.attribute().position());
        Query related = new Query(Optional.of(new Filter.Comparison(inner, comparison.operator(), comparison.value())),
                Optional.empty(), List.of(), Optional.empty(), comparison.toString());
        String own = joined.from().orElse(table.primaryKey().name());
        String theirs = joined.to().orElse(target.definition().primaryKey().name());
        Set<JsonNode> values = new LinkedHashSet<>();
        try (var rows = target.list(Request.of(principal, null).withQuery(related)).records()) {
            rows.map(row -> row.value().get(theirs)).filter(v -> v != null && !v.isNull()).forEach(values::add);
        }
        List<Filter> keys = new ArrayList<>(values.size());
        values.forEach(v -> keys.add(new Filter.Comparison(new Path(List.of(own), comparison.attribute().position()),
                Operator.EQUAL, Value.typed(v))));
        return keys.isEmpty() ? NOTHING : keys.size() == 1 ? keys.getFirst() : new Filter.Or(keys);
    }

    private Query equal(String attribute, JsonNode value) {
        return new Query(Optional.of(new Filter.Comparison(new Path(List.of(attribute), 0), Operator.EQUAL,
                Value.typed(value))), Optional.empty(), List.of(), Optional.empty(), attribute + "==" + value);
    }

    private Optional<AttributeType.Joined> relationship(Path path) {
        Attribute attribute = table.attributes().get(path.names().getFirst());
        return attribute != null && attribute.type() instanceof AttributeType.Joined joined ? Optional.of(joined)
                : Optional.empty();
    }

    private Table related(Principal principal, AttributeType.Joined joined) {
        Table target = database.table(joined.table()).orElseThrow();
        database.access().require(principal, target.exportName(), Permission.READ);
        return target;
    }
}
