package pier.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import pier.store.KeyRange;
import pier.store.StoreEntry;
import pier.store.WriteBatch;

/**
 * The database as one node of a cluster: its own changes read back from the persisted feed to be shipped,
 * the changes of other nodes applied last-writer-wins, and pages of its state for a node that has to
 * start over. Both cursors are kept in the store: how far this node's changes are shipped, and how far
 * the cluster's changes are applied (in the same commit as the changes applied, so that each takes effect
 * exactly once).
 */
public final class Replication {

    private static final String SHIPPED = "cluster/shipped";
    private static final String APPLIED = "cluster/applied";
    private static final String MESSAGES_SEEN = "cluster/messages";

    private final Database database;
    private final String node;
    // the tables whose changes travel, by name: looked up per change when shipping and applying
    private final Map<String, Table> replicated;
    private volatile long appliedUnstored;

    Replication(Database database, String node, Set<String> localTables) {
        this.database = database;
        this.node = node;
        this.replicated = database.tables().stream().filter(t -> !localTables.contains(t.definition().name()))
                .collect(java.util.stream.Collectors.toUnmodifiableMap(t -> t.definition().name(), t -> t));
    }

    /**
     * A change of one record as it travels between nodes.
     *
     * @param position where it stands in the feed of the node that made it
     * @param table    the table's name
     * @param id       the record's id
     * @param version  its version
     * @param origin   the node that made it
     * @param opaque   whether the body is an opaque value
     * @param body     the record as CBOR, or null for a deletion
     */
    public record Change(long position, String table, String id, long version, String origin, boolean opaque,
                         byte[] body) {
    }

    /**
     * A page of a table's state.
     *
     * @param changes the records (or tombstones) as changes
     * @param next    the store key to read on from; empty when the table is done
     */
    public record Page(List<Change> changes, Optional<byte[]> next) {
    }

    /**
     * Runs an action after each durable write: a cue for the shipper to look for changes. It runs on the
     * store's committer, so it must only wake someone up.
     *
     * @param action the cue
     */
    public void onChange(Runnable action) {
        database.sequencer().onDurable(action);
    }

    /**
     * What the schema is, line by line (a table, or an attribute with its type), so that nodes can tell
     * whether they serve the same one and name a difference.
     *
     * @return the lines, sorted
     */
    public List<String> schemaLines() {
        return database.tables().stream().map(Table::definition).flatMap(t -> Stream.concat(
                Stream.of("table " + t.name() + " key " + t.primaryKey().name()),
                t.attributes().values().stream().map(a -> "attribute " + t.name() + "." + a.name() + ": "
                        + TypeNames.of(a.type()) + (a.indexed() ? " @indexed" : ""))))
                .sorted().toList();
    }

    /** @return this node's id */
    public String node() {
        return node;
    }

    /** @return the tables whose changes travel (every table but the node's own, such as MQTT's sessions) */
    public List<String> tables() {
        return database.tables().stream().map(t -> t.definition().name()).filter(replicated::containsKey).toList();
    }

    /**
     * This node's changes after a feed position, in order: what is left to ship. A change made before the
     * node had its id is its own too.
     *
     * @param position a feed position
     * @return the changes; close the stream when done
     */
    public Stream<Change> changesAfter(long position) {
        return database.feed().after(position)
                // each node expires its copies itself: the time is in the record
                .filter(e -> (e.kind() == FeedEntry.Kind.PUT || e.kind() == FeedEntry.Kind.DELETE)
                        && replicated.containsKey(e.table())
                        && (e.origin().isEmpty() || e.origin().equals(node)))
                .map(e -> new Change(e.sequence(), e.table(), e.id(), e.version(), node,
                        e.record().map(StoredRecord::opaque).orElse(false),
                        e.record().map(StoredRecord::body).orElse(null)));
    }

    /** @return the feed position up to which this node's changes are shipped */
    public long shipped() {
        return read(SHIPPED);
    }

    /**
     * Remembers how far this node's changes are shipped; the feed keeps what is not.
     *
     * @param position the feed position of the last change the cluster holds
     */
    public void shipped(long position) {
        database.store().commit(WriteBatch.builder().put(Sequencer.META, key(SHIPPED), bytes(position)).build()).join();
    }

    /** @return the position in the cluster's message stream up to which messages reached this node */
    public long messagesSeen() {
        return read(MESSAGES_SEEN);
    }

    /**
     * Remembers how far the cluster's messages reached this node, so that after a restart it goes on from
     * there.
     *
     * @param position the message stream's position
     */
    public void messagesSeen(long position) {
        database.store().commit(WriteBatch.builder().put(Sequencer.META, key(MESSAGES_SEEN), bytes(position)).build())
                .join();
    }

    /** @return the position in the cluster's log up to which its changes are applied here */
    public long applied() {
        return Math.max(read(APPLIED), appliedUnstored);
    }

    /**
     * Applies the log again from a position: it no longer holds what was applied after it. A change applied
     * again changes nothing here (it is not newer than itself).
     *
     * @param position the log position to go on after
     */
    public void rewind(long position) {
        appliedUnstored = position;
        database.sequencer().write(view -> List.of(), Map.of(APPLIED, bytes(position)), true).join();
    }

    /** Stores the applied position of batches that changed nothing here, so that a restart skips them. */
    public void keepApplied() {
        long through = appliedUnstored;
        if (through > read(APPLIED)) {
            database.sequencer().write(view -> List.of(), Map.of(APPLIED, bytes(through)), true).join();
        }
    }

    /** @return the feed position of the last change made or applied here (perhaps not durable yet) */
    public long position() {
        return database.feed().position();
    }

    /**
     * The feed position up to which every change made or applied here since this process started is
     * durable: what a reader of the feed has surely seen once it read that far.
     *
     * @return the position; 0 before the first write
     */
    public long durablePosition() {
        return database.sequencer().durablePosition();
    }

    /**
     * Applies changes of other nodes, each only if it is newer than what this node holds (version, then
     * node id: every node settles a conflict alike, whatever order the changes come in), and the
     * position in the cluster's log in the same commit. Subscribers here see what was applied.
     *
     * @param changes the changes, in the cluster's order
     * @param through the log position of the last of them
     * @return how many changed this node's state, once durable
     */
    public CompletableFuture<Integer> apply(List<Change> changes, long through) {
        return database.sequencer().write(view -> plan(view, changes), Map.of(APPLIED, bytes(through)), false)
                .thenApply(entries -> {
                    // a batch that changed nothing here (this node's own changes coming back) commits nothing:
                    // applied again after a crash, it changes nothing again
                    appliedUnstored = Math.max(appliedUnstored, through);
                    return entries.size();
                });
    }

    /**
     * Merges another node's state into this one, change by change, as {@link #apply} does: rows only this
     * node holds stay, and its own changes still ship.
     *
     * @param changes records and tombstones of another node
     * @param through the log position that state is consistent with, or -1 to leave the position
     * @return how many changed this node's state, once durable
     */
    public CompletableFuture<Integer> merge(List<Change> changes, long through) {
        return write(changes, through < 0 ? Map.of() : Map.of(APPLIED, bytes(through)));
    }

    /**
     * A page of a table's records, or of its tombstones (deletions a node that was away must learn of).
     *
     * @param table      the table's name
     * @param tombstones the tombstones rather than the records
     * @param after      the store key to read after; empty for the start
     * @param limit      at most this many
     * @return the page
     */
    public Page snapshot(String table, boolean tombstones, Optional<byte[]> after, int limit) {
        Table source = Optional.ofNullable(replicated.get(table))
                .orElseThrow(() -> new IllegalArgumentException("no replicated table " + table));
        TableDefinition definition = source.definition();
        String map = tombstones ? Database.tombstoneMap(definition) : Database.tableMap(definition);
        KeyRange range = after.map(k -> KeyRange.atLeast(successor(k))).orElse(KeyRange.all());
        List<StoreEntry> entries;
        try (Stream<StoreEntry> scan = database.store().scan(map, range).limit(limit)) {
            entries = scan.toList();
        }
        Keys keys = source.keys();
        List<Change> changes = entries.stream().map(entry -> {
            String id = keys.decode(entry.key());
            if (tombstones) {
                Stamp stamp = Stamp.decode(entry.value());
                return new Change(0, table, id, stamp.version(), stamp.origin(), false, null);
            }
            StoredRecord record = StoredRecord.decode(entry.value());
            return new Change(0, table, id, record.version(), record.origin(), record.opaque(), record.body());
        }).toList();
        return new Page(changes, entries.size() < limit ? Optional.empty() : Optional.of(entries.getLast().key()));
    }

    private CompletableFuture<Integer> write(List<Change> changes, Map<String, byte[]> meta) {
        return database.sequencer().write(view -> plan(view, changes), meta, true).thenApply(List::size);
    }

    // last writer wins: a change is applied when its stamp beats the record's, or the record's deletion;
    // this node's own changes coming back hold the stamp the record has, unless the node lost them
    private List<Mutation> plan(Sequencer.View view, List<Change> changes) {
        Map<String, Stamp> decided = new HashMap<>();
        List<Mutation> mutations = new ArrayList<>();
        for (Change change : changes) {
            Table table = replicated.get(change.table());
            if (table == null) {
                continue;
            }
            TableDefinition definition = table.definition();
            byte[] key = table.keys().encode(change.id());
            String pendingKey = definition.name() + '\u0000' + change.id();
            Stamp incoming = new Stamp(change.version(), change.origin());
            Stamp held = decided.computeIfAbsent(pendingKey, k -> view.current(definition, change.id(), key)
                    .map(Stamp::of).or(() -> view.deleted(definition, change.id(), key)).orElse(null));
            if (held != null && held.compareTo(incoming) >= 0) {
                continue;
            }
            decided.put(pendingKey, incoming);
            Optional<JsonNode> body = Optional.ofNullable(change.body()).map(database.cbor()::decode);
            mutations.add(new Mutation(definition, change.id(), key, body, change.opaque(), incoming));
        }
        return mutations;
    }

    private long read(String name) {
        return database.store().get(Sequencer.META, key(name)).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
    }

    private static byte[] key(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private static byte[] successor(byte[] key) {
        return java.util.Arrays.copyOf(key, key.length + 1);
    }
}
