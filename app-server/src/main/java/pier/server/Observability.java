package pier.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.metrics.api.DistributionStatisticsConfig;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import pier.engine.Database;
import pier.protocol.mqtt.MqttBroker;
import pier.resource.Connections;
import pier.resource.Record;
import pier.resource.SlowClients;
import pier.store.Store;
import pier.store.StoreObserver;

/**
 * Health ({@code /observe/health}) and Prometheus metrics ({@code /observe/metrics}) for one server. Its
 * meters read this server's objects; they leave the (process-wide) registry when the server stops, so
 * that a server started after it in the same process reports its own.
 */
final class Observability implements AutoCloseable {

    // histograms only: quantiles computed here cannot be aggregated, and mixed into a histogram they break
    // the Prometheus text format
    private static final double[] NO_QUANTILES = {};

    private final MeterRegistry registry = Metrics.globalRegistry();
    private final List<Meter> registered = new CopyOnWriteArrayList<>();

    ObserveFeature feature(Store store, Database database, java.util.Optional<pier.cluster.Cluster> cluster) {
        registerStoreMeters(store);
        registerStoreHistograms(store);
        registerQueryMeters(database);
        registerTableMeters(database);
        register(FunctionalCounter.builder("pier.record.encodings", Record.class,
                ignored -> Record.encodings()).description("record bodies encoded into a wire format"));
        register(FunctionalCounter.builder("pier.clients.fell.behind", SlowClients.class,
                ignored -> SlowClients.closedTotal()).description("subscriptions and connections closed because "
                + "their client fell further behind than its queue holds"));
        io.helidon.webserver.observe.health.HealthObserverConfig.Builder health = HealthObserver.builder()
                .details(true)
                .addCheck(() -> HealthCheckResponse.builder()
                        .status(HealthCheckResponse.Status.UP)
                        .detail("batches", store.stats().batches())
                        .detail("commits", store.stats().commits())
                        .build(), HealthCheckType.READINESS, "store");
        cluster.ifPresent(c -> {
            health.addCheck(() -> clusterHealth(c.status()), HealthCheckType.READINESS, "cluster");
            registerClusterMeters(c);
        });
        return ObserveFeature.builder()
                .addObserver(health.build())
                .addObserver(MetricsObserver.create())
                .build();
    }

    // a node apart from NATS still serves and keeps its writes: up, with where replication stands
    private static HealthCheckResponse clusterHealth(pier.cluster.ClusterStatus status) {
        HealthCheckResponse.Builder response = HealthCheckResponse.builder()
                .status(!status.state().equals("refused"))
                .detail("node", status.node())
                .detail("connected", status.connected())
                .detail("state", status.state())
                .detail("toShip", status.toShip())
                .detail("applied", status.applied())
                .detail("lagChanges", status.lagChanges())
                .detail("lagSeconds", status.lagSeconds());
        status.lastApplied().ifPresent(at -> response.detail("lastApplied", at.toString()));
        status.problem().ifPresent(problem -> response.detail("problem", problem));
        return response.build();
    }

    private void registerClusterMeters(pier.cluster.Cluster cluster) {
        register(Gauge.builder("pier.cluster.changes.to.ship", cluster, c -> c.status().toShip())
                .description("changes made here that the cluster's log does not hold yet"));
        register(Gauge.builder("pier.cluster.changes.applied", cluster, c -> c.status().applied())
                .description("the position in the cluster's log up to which changes are applied here"));
        register(Gauge.builder("pier.cluster.lag.changes", cluster, c -> c.status().lagChanges())
                .description("changes in the cluster's log not applied here yet"));
    }

    void registerLoginMeters(pier.security.LoginThrottle logins) {
        register(FunctionalCounter.builder("pier.login.failures", logins,
                pier.security.LoginThrottle::failures).description("password checks that failed"));
        register(FunctionalCounter.builder("pier.logins.throttled", logins,
                pier.security.LoginThrottle::throttled).description("password checks refused: their address "
                + "failed too often"));
    }

    void registerQuotaMeters(pier.security.UserQuota quota) {
        register(FunctionalCounter.builder("pier.quota.refused", quota,
                pier.security.UserQuota::refused).description("connections and subscriptions refused: the user "
                + "held the most allowed"));
    }

    /** Counters and gauges of the MQTT broker, registered when MQTT is on. */
    void registerMqttMeters(MqttBroker broker) {
        register(FunctionalCounter.builder("pier.mqtt.messages.received", broker,
                b -> b.stats().messagesReceived()).description("PUBLISH packets received"));
        register(FunctionalCounter.builder("pier.mqtt.messages.sent", broker,
                b -> b.stats().messagesSent()).description("PUBLISH packets sent"));
        register(FunctionalCounter.builder("pier.mqtt.denied", broker,
                b -> b.stats().denied()).description("publishes and subscriptions refused for lack of permission"));
        register(FunctionalCounter.builder("pier.mqtt.messages.dropped", broker,
                b -> b.stats().messagesDropped()).description("messages dropped from full session backlogs"));
        register(Gauge.builder("pier.mqtt.connections", broker, b -> b.stats().connections())
                .description("MQTT clients connected"));
        register(Gauge.builder("pier.mqtt.sessions", broker, b -> b.stats().sessions())
                .description("MQTT sessions kept, connected or not"));
    }

    // pier_protocol_connections{protocol="mqtt"}, …: what flows through each protocol
    void registerProtocolMeters(Connections connections) {
        for (String protocol : Connections.PROTOCOLS) {
            List<Tag> tags = List.of(Tag.create("protocol", protocol));
            register(Gauge.builder("pier.protocol.connections", connections, c -> c.stats(protocol).connections())
                    .tags(tags).description("connections open now"));
            register(FunctionalCounter.builder("pier.protocol.connections.opened", connections,
                    c -> c.stats(protocol).opened()).tags(tags).description("connections opened since start"));
            register(FunctionalCounter.builder("pier.protocol.messages.received", connections,
                    c -> c.stats(protocol).messagesIn()).tags(tags).description("messages received from clients"));
            register(FunctionalCounter.builder("pier.protocol.messages.sent", connections,
                    c -> c.stats(protocol).messagesOut()).tags(tags).description("messages sent to clients"));
            register(FunctionalCounter.builder("pier.protocol.received.bytes", connections,
                    c -> c.stats(protocol).bytesIn()).tags(tags).description("payload bytes of the messages received"));
            register(FunctionalCounter.builder("pier.protocol.sent.bytes", connections,
                    c -> c.stats(protocol).bytesOut()).tags(tags).description("payload bytes of the messages sent"));
            register(Gauge.builder("pier.protocol.queued.messages", connections, c -> c.stats(protocol).queued())
                    .tags(tags).description("messages waiting in the connections' queues now"));
            register(FunctionalCounter.builder("pier.protocol.messages.dropped", connections,
                    c -> c.stats(protocol).dropped()).tags(tags)
                    .description("messages dropped because a client's queue was full"));
        }
    }

    private void registerQueryMeters(Database database) {
        register(FunctionalCounter.builder("pier.query.queries", database,
                d -> d.queryStats().queries()).description("collection queries run"));
        register(FunctionalCounter.builder("pier.query.index.entries", database,
                d -> d.queryStats().indexEntriesRead()).description("index and key entries read by queries"));
        register(FunctionalCounter.builder("pier.query.records.examined", database,
                d -> d.queryStats().recordsExamined()).description("records read and tested by queries"));
    }

    // pier_table_reads_total{table="Dog"}, …: what each table of the schema does
    private void registerTableMeters(Database database) {
        for (String table : database.tableStats().keySet()) {
            List<Tag> tags = List.of(Tag.create("table", table));
            register(FunctionalCounter.builder("pier.table.reads", database, d -> d.tableStats(table).reads())
                    .tags(tags).description("record reads, listings and histories answered"));
            register(FunctionalCounter.builder("pier.table.writes", database, d -> d.tableStats(table).writes())
                    .tags(tags).description("changes committed: puts, deletes and expiries"));
            register(FunctionalCounter.builder("pier.table.records.examined", database,
                    d -> d.tableStats(table).recordsExamined()).tags(tags)
                    .description("records read and tested by its queries"));
            register(FunctionalCounter.builder("pier.table.events.out", database,
                    d -> d.tableStats(table).eventsOut()).tags(tags)
                    .description("events offered to its subscriptions"));
            register(Gauge.builder("pier.table.subscribers", database, d -> d.tableStats(table).subscribers())
                    .tags(tags).description("subscriptions open on its records, the table and live queries"));
        }
    }

    // Prometheus histograms: pier_store_commit_seconds_bucket{le=…}, …
    private void registerStoreHistograms(Store store) {
        Timer commit = register(Timer.builder("pier.store.commit").percentiles(NO_QUANTILES).buckets(millis(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25,
                50, 100, 250, 1000)).description("how long each commit took: journal write and sync, apply, commit"));
        Timer durable = register(Timer.builder("pier.store.batch.latency").percentiles(NO_QUANTILES).buckets(millis(0.25, 0.5, 1, 2.5, 5, 10,
                25, 50, 100, 250, 1000)).description("how long a writer waited for its batch to be durable"));
        DistributionSummary batches = register(DistributionSummary.builder("pier.store.commit.batches")
                .distributionStatisticsConfig(DistributionStatisticsConfig.builder().percentiles(NO_QUANTILES).buckets(1, 2, 4, 8, 16, 32, 64,
                        128, 256, 512, 1024, 4096)).description("how many batches each commit made durable together"));
        Timer held = register(Timer.builder("pier.store.checkpoint.wait").percentiles(NO_QUANTILES)
                .description("how long commits were held because changes outran checkpoints"));
        Timer checkpoint = register(Timer.builder("pier.store.checkpoint").percentiles(NO_QUANTILES).buckets(millis(1, 10, 50, 100, 250, 500,
                1000, 2500, 5000, 10_000)).description("how long each checkpoint took"));
        store.observe(new StoreObserver() {
            @Override
            public void committed(long nanos, int count) {
                commit.record(nanos, TimeUnit.NANOSECONDS);
                batches.record(count);
            }

            @Override
            public void batchDurable(long nanos) {
                durable.record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void commitsHeld(long nanos) {
                held.record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void checkpointed(long nanos, long pages) {
                checkpoint.record(nanos, TimeUnit.NANOSECONDS);
            }
        });
    }

    private static Duration[] millis(double... values) {
        return java.util.Arrays.stream(values).mapToObj(ms -> Duration.ofNanos((long) (ms * 1_000_000)))
                .toArray(Duration[]::new);
    }

    private void registerStoreMeters(Store store) {
        register(FunctionalCounter.builder("pier.store.batches", store, s -> s.stats().batches())
                .description("write batches acknowledged as durable"));
        register(FunctionalCounter.builder("pier.store.commits", store, s -> s.stats().commits())
                .description("durable commits; concurrent batches share one"));
        register(FunctionalCounter.builder("pier.store.operations", store, s -> s.stats().operations())
                .description("puts and deletes applied"));
        register(FunctionalCounter.builder("pier.store.checkpoints", store, s -> s.stats().checkpoints())
                .description("checkpoints written: the pages changed since the one before"));
        register(FunctionalCounter.builder("pier.store.checkpoint.pages", store, s -> s.stats().checkpointPages())
                .description("4 KiB pages written by checkpoints"));
        register(FunctionalCounter.builder("pier.store.checkpoint.waits", store, s -> s.stats().checkpointWaits())
                .description("times commits were held because changes outran checkpoints"));

    }

    private <B extends Meter.Builder<B, M>, M extends Meter> M register(B builder) {
        M meter = registry.getOrCreate(builder);
        registered.add(meter);
        return meter;
    }

    /** Takes this server's meters out of the registry. */
    @Override
    public void close() {
        registered.forEach(registry::remove);
        registered.clear();
    }
}
