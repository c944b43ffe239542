package pier.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import pier.query.Filter;
import pier.query.Operator;
import pier.query.Value;
import pier.query.ValueOrder;
import pier.store.KeyRange;

/**
 * The key ranges a comparison can be answered from: of the table itself for its primary key, or of an
 * attribute's index. Bounds are inclusive where an encoding may be shared, so ranges find a superset
 * that the planner tests record by record.
 */
final class ScanRanges {

    private static final Comparator<byte[]> KEY_ORDER = Arrays::compareUnsigned;

    private final TableDefinition table;
    private final Keys keys;
    private final Set<String> indexed;
    private final String tableMap;

    ScanRanges(TableDefinition table, Keys keys, Set<String> indexed) {
        this.table = table;
        this.keys = keys;
        this.indexed = Set.copyOf(indexed);
        this.tableMap = Database.tableMap(table);
    }

    /** Key ranges of one map, the table's own (primary keys) or an index's. */
    record Ranges(String map, boolean index, List<KeyRange> ranges) {
    }

    static Ranges intersect(Ranges a, Ranges b) {
        List<KeyRange> both = new ArrayList<>();
        for (KeyRange x : a.ranges()) {
            for (KeyRange y : b.ranges()) {
                byte[] from = max(x.from().orElse(new byte[0]), y.from().orElse(new byte[0]));
                Optional<byte[]> to = x.to().isEmpty() ? y.to() : y.to().isEmpty() ? x.to()
                        : Optional.of(KEY_ORDER.compare(x.to().get(), y.to().get()) <= 0 ? x.to().get() : y.to().get());
                if (to.isEmpty()) {
                    both.add(KeyRange.atLeast(from));
                } else if (KEY_ORDER.compare(from, to.get()) < 0) {
                    both.add(KeyRange.between(from, to.get()));
                }
            }
        }
        return new Ranges(a.map(), a.index(), both);
    }

    private static byte[] max(byte[] a, byte[] b) {
        return KEY_ORDER.compare(a, b) >= 0 ? a : b;
    }

    Optional<Ranges> of(Filter.Comparison comparison) {
        if (!comparison.attribute().isTopLevel()) {
            return Optional.empty();
        }
        String name = comparison.attribute().names().getFirst();
        if (name.equals(table.primaryKey().name())) {
            return keyRanges(comparison.operator(), comparison.value()).map(r -> new Ranges(tableMap, false, r));
        }
        if (!indexed.contains(name)) {
            return Optional.empty();
        }
        return indexRanges(comparison.operator(), comparison.value())
                .map(r -> new Ranges(Indexes.map(table, name), true, r));
    }

    private static Optional<List<KeyRange>> indexRanges(Operator operator, Value value) {
        List<JsonNode> forms = operator == Operator.STRICT_EQUAL ? List.of(value.strictForm()) : value.looseForms();
        List<KeyRange> ranges = new ArrayList<>();
        switch (operator) {
            case EQUAL, STRICT_EQUAL -> {
                forms.forEach(form -> ranges.add(KeyRange.prefix(IndexKeys.value(form))));
                if (operator == Operator.EQUAL && value.typed().filter(JsonNode::isNull).isPresent()) {
                    ranges.add(KeyRange.prefix(IndexKeys.rank(ValueOrder.Rank.MISSING)));
                }
            }
            // bounds are inclusive: a cut string or a rounded long may share its encoding with the bound
            case GREATER, GREATER_OR_EQUAL -> forms.stream().filter(ScanRanges::ordered).forEach(form -> ranges.add(
                    KeyRange.between(IndexKeys.value(form), IndexKeys.rank(rankAfter(form)))));
            case LESS, LESS_OR_EQUAL -> forms.stream().filter(ScanRanges::ordered).forEach(form -> ranges.add(
                    KeyRange.between(IndexKeys.rank(rankStart(form)), after(IndexKeys.value(form)))));
            case STARTS_WITH -> ranges.add(KeyRange.prefix(IndexKeys.stringPrefix(value.text())));
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(ranges);
    }

    private static boolean ordered(JsonNode form) {
        return form.isNumber() || form.isTextual() || form.isBoolean();
    }

    private static ValueOrder.Rank rankStart(JsonNode form) {
        return form.isBoolean() ? ValueOrder.Rank.FALSE : ValueOrder.rank(form);
    }

    private static ValueOrder.Rank rankAfter(JsonNode form) {
        return form.isBoolean() ? ValueOrder.Rank.NUMBER : ValueOrder.Rank.values()[ValueOrder.rank(form).ordinal() + 1];
    }

    private Optional<List<KeyRange>> keyRanges(Operator operator, Value value) {
        boolean numeric = table.keyKind() == AttributeType.Kind.INT || table.keyKind() == AttributeType.Kind.LONG;
        List<byte[]> bounds = (operator == Operator.STRICT_EQUAL ? List.of(value.strictForm()) : value.looseForms())
                .stream().filter(f -> numeric ? f.isNumber() : f.isTextual())
                .map(f -> numeric ? numberKey(f) : keys.encode(f.textValue())).toList();
        return switch (operator) {
            case EQUAL, STRICT_EQUAL -> Optional.of(bounds.stream().map(k -> KeyRange.between(k, exactlyAfter(k)))
                    .toList());
            case GREATER, GREATER_OR_EQUAL -> Optional.of(bounds.stream().map(KeyRange::atLeast).toList());
            case LESS, LESS_OR_EQUAL -> Optional.of(bounds.stream().map(k -> KeyRange.between(new byte[0],
                    exactlyAfter(k))).toList());
            case STARTS_WITH -> numeric ? Optional.empty()
                    : Optional.of(List.of(KeyRange.prefix(keys.encode(value.text()))));
            default -> Optional.empty();
        };
    }

    // the smallest key after every key that starts with this one
    private static byte[] after(byte[] key) {
        return KeyRange.prefix(key).to().orElseThrow();
    }

    // the smallest key after this one
    private static byte[] exactlyAfter(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    // the key of the whole number at or below a number, within the key type's range
    private byte[] numberKey(JsonNode number) {
        long value = number.isIntegralNumber() && number.canConvertToLong() ? number.longValue()
                : (long) Math.floor(number.doubleValue());
        if (table.keyKind() == AttributeType.Kind.INT) {
            value = Math.clamp(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        return keys.encode(Long.toString(value));
    }
}
