package pier.server;

import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import pier.engine.Database;
import pier.protocol.mqtt.MqttBroker;
import pier.resource.Record;
import pier.resource.SlowClients;
import pier.store.Store;

/** Health ({@code /observe/health}) and Prometheus metrics ({@code /observe/metrics}) for the server. */
final class Observability {

    private Observability() {
    }

    static ObserveFeature feature(Store store, Database database) {
        registerStoreMeters(store, Metrics.globalRegistry());
        registerQueryMeters(database, Metrics.globalRegistry());
        Metrics.globalRegistry().getOrCreate(FunctionalCounter.builder("pier.record.encodings", Record.class,
                ignored -> Record.encodings()).description("record bodies encoded into a wire format"));
        Metrics.globalRegistry().getOrCreate(FunctionalCounter.builder("pier.clients.fell.behind", SlowClients.class,
                ignored -> SlowClients.closedTotal()).description("subscriptions and connections closed because "
                + "their client fell further behind than its queue holds"));
        return ObserveFeature.builder()
                .addObserver(HealthObserver.builder()
                        .details(true)
                        .addCheck(() -> HealthCheckResponse.builder()
                                .status(HealthCheckResponse.Status.UP)
                                .detail("batches", store.stats().batches())
                                .detail("commits", store.stats().commits())
                                .build(), HealthCheckType.READINESS, "store")
                        .build())
                .addObserver(MetricsObserver.create())
                .build();
    }

    /** Counters and gauges of the MQTT broker, registered when MQTT is on. */
    static void registerLoginMeters(pier.security.LoginThrottle logins) {
        MeterRegistry registry = Metrics.globalRegistry();
        registry.getOrCreate(FunctionalCounter.builder("pier.login.failures", logins,
                pier.security.LoginThrottle::failures).description("password checks that failed"));
        registry.getOrCreate(FunctionalCounter.builder("pier.logins.throttled", logins,
                pier.security.LoginThrottle::throttled).description("password checks refused: their address "
                + "failed too often"));
    }

    static void registerQuotaMeters(pier.security.UserQuota quota) {
        Metrics.globalRegistry().getOrCreate(FunctionalCounter.builder("pier.quota.refused", quota,
                pier.security.UserQuota::refused).description("connections and subscriptions refused: the user "
                + "held the most allowed"));
    }

    static void registerMqttMeters(MqttBroker broker) {
        MeterRegistry registry = Metrics.globalRegistry();
        registry.getOrCreate(FunctionalCounter.builder("pier.mqtt.messages.received", broker,
                b -> b.stats().messagesReceived()).description("PUBLISH packets received"));
        registry.getOrCreate(FunctionalCounter.builder("pier.mqtt.messages.sent", broker,
                b -> b.stats().messagesSent()).description("PUBLISH packets sent"));
        registry.getOrCreate(FunctionalCounter.builder("pier.mqtt.denied", broker,
                b -> b.stats().denied()).description("publishes and subscriptions refused for lack of permission"));
        registry.getOrCreate(FunctionalCounter.builder("pier.mqtt.messages.dropped", broker,
                b -> b.stats().messagesDropped()).description("messages dropped from full session backlogs"));
        registry.getOrCreate(Gauge.builder("pier.mqtt.connections", broker, b -> b.stats().connections())
                .description("MQTT clients connected"));
        registry.getOrCreate(Gauge.builder("pier.mqtt.sessions", broker, b -> b.stats().sessions())
                .description("MQTT sessions kept, connected or not"));
    }

    private static void registerQueryMeters(Database database, MeterRegistry registry) {
        registry.getOrCreate(FunctionalCounter.builder("pier.query.queries", database,
                d -> d.queryStats().queries()).description("collection queries run"));
        registry.getOrCreate(FunctionalCounter.builder("pier.query.index.entries", database,
                d -> d.queryStats().indexEntriesRead()).description("index and key entries read by queries"));
        registry.getOrCreate(FunctionalCounter.builder("pier.query.records.examined", database,
                d -> d.queryStats().recordsExamined()).description("records read and tested by queries"));
    }

    private static void registerStoreMeters(Store store, MeterRegistry registry) {
        registry.getOrCreate(FunctionalCounter.builder("pier.store.batches", store, s -> s.stats().batches())
                .description("write batches acknowledged as durable"));
        registry.getOrCreate(FunctionalCounter.builder("pier.store.commits", store, s -> s.stats().commits())
                .description("durable commits; concurrent batches share one"));
        registry.getOrCreate(FunctionalCounter.builder("pier.store.operations", store, s -> s.stats().operations())
                .description("puts and deletes applied"));
    }
}
