package pier.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

import pier.codec.Codec;
import pier.query.Filter;
import pier.query.Query;
import pier.query.SortKey;
import pier.query.ValueOrder;
import pier.resource.Record;
import pier.store.KeyRange;
import pier.store.Store;
import pier.store.StoreEntry;

/**
 * Runs queries on one table. A condition on the primary key or an indexed attribute becomes key or
 * index scans ({@code &} drives from its smallest indexed operand, {@code |} unions its operands);
 * anything else scans the table. Every candidate is tested against the whole condition. Without
 * {@code sort()} results come in primary-key order; {@code sort()} on an indexed attribute with no
 * indexable condition walks the index in order, so a {@code limit()} stops early; other sorts keep
 * only the first {@code limit()} results in memory. Ties are broken by primary key, in the direction
 * of the first sort key.
 */
final class QueryPlanner {

    /** A record found by a query, with its encoded primary key. */
    record Row(byte[] key, Record record) {
    }

    /** Candidate primary keys, opened lazily; may repeat a key. */
    @FunctionalInterface
    private interface Candidates {
        Stream<byte[]> keys();
    }

    private static final Comparator<byte[]> KEY_ORDER = Arrays::compareUnsigned;

    private final TableDefinition table;
    private final Keys keys;
    private final Store store;
    private final Codec cbor;
    private final QueryStats.Counters counters;
    private final Map<String, Attribute> indexed;
    private final String tableMap;
    private final ScanRanges scanRanges;
    private final LongSupplier clock;
    private final TableStats.Counters tableCounters;

    QueryPlanner(TableDefinition table, Keys keys, Store store, Codec cbor, QueryStats.Counters counters,
                 TableStats.Counters tableCounters, LongSupplier clock) {
        this.tableCounters = tableCounters;
        this.table = table;
        this.clock = clock;
        this.keys = keys;
        this.store = store;
        this.cbor = cbor;
        this.counters = counters;
        this.indexed = Indexes.indexed(table).stream().collect(Collectors.toMap(Attribute::name, Function.identity()));
        this.tableMap = Database.tableMap(table);
        this.scanRanges = new ScanRanges(table, keys, indexed.keySet());
    }

    /**
     * The records a query returns, in its order and slice.
     *
     * @param query the query
     * @return the rows; close the stream when done
     */
    Stream<Row> execute(Query query) {
        counters.queries.increment();
        Optional<Candidates> candidates = query.filter().flatMap(this::candidates);
        Stream<Row> rows;
        if (query.sort().isEmpty()) {
            rows = matching(query, candidates);
        } else if (candidates.isEmpty() && isPrimaryKey(query.sort().getFirst())) {
            rows = filtered(query, query.sort().getFirst().descending()
                    ? rows(store.scanDescending(tableMap, KeyRange.all())) : rows(store.scan(tableMap, KeyRange.all())));
        } else if (candidates.isEmpty() && sortIndex(query.sort().getFirst()).isPresent()) {
            rows = indexOrdered(query, sortIndex(query.sort().getFirst()).get());
        } else {
            return sorted(query, matching(query, candidates));
        }
        return query.limit().map(l -> rows.skip(l.offset()).limit(l.count())).orElse(rows);
    }

    /**
     * The primary keys a condition may match, each once: from indexes where it allows, else every key.
     *
     * @param filter the condition
     * @return the keys; close the stream when done
     */
    Stream<byte[]> candidateKeys(Optional<Filter> filter) {
        return filter.flatMap(this::candidates).map(c -> distinct(c).stream())
                .orElseGet(() -> store.scan(tableMap, KeyRange.all()).map(StoreEntry::key));
    }

    private Stream<Row> matching(Query query, Optional<Candidates> candidates) {
        Stream<Row> rows = candidates.map(c -> distinct(c).stream().map(this::fetch).flatMap(Optional::stream))
                .orElseGet(() -> rows(store.scan(tableMap, KeyRange.all())));
        return filtered(query, rows);
    }

    private static Stream<Row> filtered(Query query, Stream<Row> rows) {
        return query.filter().isEmpty() ? rows : rows.filter(row -> query.matches(row.record().value()));
    }

    // a full sort, or the first offset+count rows of it kept in a bounded heap
    private Stream<Row> sorted(Query query, Stream<Row> rows) {
        Comparator<Row> order = order(query);
        List<Row> result;
        try (rows) {
            if (query.limit().isPresent()) {
                long end = query.limit().get().end();
                PriorityQueue<Row> heap = new PriorityQueue<>(order.reversed());
                rows.forEach(row -> {
                    heap.add(row);
                    if (heap.size() > end) {
                        heap.poll();
                    }
                });
                result = new ArrayList<>(heap);
            } else {
                result = rows.collect(Collectors.toCollection(ArrayList::new));
            }
        }
        result.sort(order);
        Stream<Row> ordered = result.stream();
        return query.limit().map(l -> ordered.skip(l.offset()).limit(l.count())).orElse(ordered);
    }

    private static Comparator<Row> order(Query query) {
        Comparator<JsonNode> values = query.order();
        Comparator<Row> byKey = (a, b) -> KEY_ORDER.compare(a.key(), b.key());
        Comparator<Row> ties = query.sort().getFirst().descending() ? byKey.reversed() : byKey;
        return Comparator.<Row, JsonNode>comparing(row -> row.record().value(), values).thenComparing(ties);
    }

    // walks the index of the first sort key; later keys order the rows within one value
    private Stream<Row> indexOrdered(Query query, String attribute) {
        boolean descending = query.sort().getFirst().descending();
        String map = Indexes.map(table, attribute);
        byte[] missing = IndexKeys.rank(ValueOrder.Rank.MISSING);
        Stream<StoreEntry> entries = descending
                ? Stream.concat(store.scanDescending(map, KeyRange.between(IndexKeys.rank(ValueOrder.Rank.NULL),
                missing)), store.scanDescending(map, KeyRange.prefix(missing)))
                : store.scan(map, KeyRange.all());
        if (query.sort().size() == 1) {
            return filtered(query, entries.map(this::indexEntry).map(this::fetch).flatMap(Optional::stream));
        }
        Comparator<Row> order = order(query);
        Iterator<StoreEntry> it = entries.iterator();
        Iterator<List<Row>> groups = new Iterator<>() {
            private StoreEntry next = it.hasNext() ? it.next() : null;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public List<Row> next() {
                byte[] first = next.key();
                int length = IndexKeys.valueLength(first);
                List<Row> group = new ArrayList<>();
                while (next != null && Arrays.equals(next.key(), 0, length, first, 0, length)
                        && IndexKeys.valueLength(next.key()) == length) {
                    fetch(indexEntry(next)).filter(row -> query.matches(row.record().value())).ifPresent(group::add);
                    next = it.hasNext() ? it.next() : null;
                }
                group.sort(order);
                return group;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(groups, Spliterator.ORDERED), false)
                .flatMap(List::stream).onClose(entries::close);
    }

    private Optional<String> sortIndex(SortKey key) {
        if (!key.attribute().isTopLevel()) {
            return Optional.empty();
        }
        Attribute attribute = indexed.get(key.attribute().names().getFirst());
        // a list or Any attribute may hold several values per record, which an ordered walk would repeat
        return Optional.ofNullable(attribute).filter(a -> a.type() instanceof AttributeType.Scalar s
                && s.kind() != AttributeType.Kind.ANY).map(Attribute::name);
    }

    private boolean isPrimaryKey(SortKey key) {
        return key.attribute().isTopLevel() && key.attribute().names().getFirst().equals(table.primaryKey().name());
    }

    private Optional<Candidates> candidates(Filter filter) {
        return switch (filter) {
            case Filter.Comparison comparison -> scanRanges.of(comparison).map(this::scan);
            case Filter.And and -> and(and.operands());
            case Filter.Or or -> {
                List<Optional<Candidates>> operands = or.operands().stream().map(this::candidates).toList();
                yield operands.stream().allMatch(Optional::isPresent)
                        ? Optional.of(() -> concat(operands.stream().map(c -> c.orElseThrow().keys()).toList()))
                        : Optional.empty();
            }
        };
    }

    // comparisons on one attribute narrow one scan (age=gt=3&age=lt=5); the rest drive in lockstep
    private Optional<Candidates> and(List<Filter> operands) {
        Map<String, ScanRanges.Ranges> byMap = new java.util.LinkedHashMap<>();
        List<Candidates> others = new ArrayList<>();
        for (Filter operand : operands) {
            Optional<ScanRanges.Ranges> ranges = operand instanceof Filter.Comparison c ? scanRanges.of(c)
                    : Optional.empty();
            if (ranges.isPresent()) {
                byMap.merge(ranges.get().map(), ranges.get(), ScanRanges::intersect);
            } else {
                candidates(operand).ifPresent(others::add);
            }
        }
        byMap.values().forEach(r -> others.add(scan(r)));
        return others.isEmpty() ? Optional.empty()
                : Optional.of(others.size() == 1 ? others.getFirst() : smallest(others));
    }

    private Candidates scan(ScanRanges.Ranges ranges) {
        return () -> concat(ranges.ranges().stream().map(range -> store.scan(ranges.map(), range)
                .map(ranges.index() ? this::indexEntry : this::keyEntry)).toList());
    }

    // unlike flatMap, whose iterator drains each inner stream at once, concat stays lazy when read in lockstep
    private static Stream<byte[]> concat(List<Stream<byte[]>> streams) {
        return streams.stream().reduce(Stream::concat).orElseGet(Stream::empty);
    }

    // reads the operands in lockstep and keeps the first to finish: the cost is bounded by the smallest
    private static Candidates smallest(List<Candidates> operands) {
        return () -> {
            List<Stream<byte[]>> streams = operands.stream().map(Candidates::keys).toList();
            try {
                List<Iterator<byte[]>> iterators = streams.stream().map(Stream::iterator).toList();
                List<List<byte[]>> seen = iterators.stream().map(i -> (List<byte[]>) new ArrayList<byte[]>()).toList();
                while (true) {
                    for (int i = 0; i < iterators.size(); i++) {
                        if (!iterators.get(i).hasNext()) {
                            return seen.get(i).stream();
                        }
                        seen.get(i).add(iterators.get(i).next());
                    }
                }
            } finally {
                streams.forEach(Stream::close);
            }
        };
    }

    private byte[] keyEntry(StoreEntry entry) {
        counters.indexEntries.increment();
        return entry.key();
    }

    private byte[] indexEntry(StoreEntry entry) {
        counters.indexEntries.increment();
        return IndexKeys.primaryKey(entry.key());
    }

    private static TreeSet<byte[]> distinct(Candidates candidates) {
        TreeSet<byte[]> set = new TreeSet<>(KEY_ORDER);
        try (Stream<byte[]> keys = candidates.keys()) {
            keys.forEach(set::add);
        }
        return set;
    }

    private Optional<Row> fetch(byte[] key) {
        return store.get(tableMap, key).flatMap(value -> row(key, value));
    }

    private Stream<Row> rows(Stream<StoreEntry> entries) {
        return entries.flatMap(e -> row(e.key(), e.value()).stream());
    }

    // a record whose time ran out is not found, though the sweep may not have deleted it yet
    private Optional<Row> row(byte[] key, byte[] value) {
        counters.records.increment();
        tableCounters.examined.increment();
        StoredRecord stored = StoredRecord.decode(value);
        if (stored.expired(clock.getAsLong())) {
            return Optional.empty();
        }
        return Optional.of(new Row(key, stored.toRecord(keys.decode(key), cbor)));
    }
}
