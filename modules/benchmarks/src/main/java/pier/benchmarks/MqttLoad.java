package pier.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

/**
 * One scenario against one broker: connects the subscribers, then the publishers, publishes for the
 * scenario's time (a paced message's latency counts from when it was due, so a publisher that falls
 * behind shows), waits until deliveries stop, and reports what arrived, in what order, how late, and the
 * broker's CPU time per delivery.
 */
final class MqttLoad {

    private static final int IN_FLIGHT = 1_000;
    private static final int PAYLOAD = 128;
    private static final int SAMPLES = 4_000_000;

    /** A broker: where it listens, its process (for CPU time) and the credentials it wants (or null). */
    record Target(String host, int port, long pid, String user, String password) {
    }

    /** What one scenario measured. */
    record Result(long sent, long failed, long expected, long received, long outOfOrder, double seconds,
                  double cpuSeconds, long[] latencies) {

        double deliveredPerSecond() {
            return received / seconds;
        }

        double cpuPerMillion() {
            return cpuSeconds / Math.max(1, received) * 1e6;
        }

        double percentileMillis(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            return latencies[Math.min(latencies.length - 1, (int) (latencies.length * p))] / 1e6;
        }

        String summary() {
            return String.format(Locale.ROOT, "%.0f/s delivered (%.1f %%), p50 %.1f ms, p99 %.1f ms, %.1f CPU-s/M%s",
                    deliveredPerSecond(), 100.0 * received / Math.max(1, expected), percentileMillis(0.5),
                    percentileMillis(0.99), cpuPerMillion(), (outOfOrder == 0 ? "" : ", " + outOfOrder
                            + " out of order or repeated") + (failed == 0 ? "" : ", " + failed + " publishes failed"));
        }
    }

    private final Target target;
    private final Target subscribed;
    private final Scenario scenario;
    private final String run = Long.toString(System.nanoTime(), 36);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong lastDelivery = new AtomicLong();
    private final long[] latencies = new long[SAMPLES];
    private final AtomicLong samples = new AtomicLong();
    private volatile long started = Long.MAX_VALUE;

    MqttLoad(Target target, Scenario scenario) {
        this(target, target, scenario);
    }

    /**
     * A load whose subscribers connect elsewhere than its publishers (another node of a cluster).
     *
     * @param target     where the publishers connect, and whose CPU time counts
     * @param subscribed where the subscribers connect
     * @param scenario   the load
     */
    MqttLoad(Target target, Target subscribed, Scenario scenario) {
        this.target = target;
        this.subscribed = subscribed;
        this.scenario = scenario;
    }

    Result run() throws Exception {
        List<Mqtt5AsyncClient> clients = new ArrayList<>();
        try {
            for (int s = 0; s < scenario.subscribers(); s++) {
                Mqtt5AsyncClient subscriber = connect(clients, subscribed, "sub" + s);
                long[] last = new long[scenario.publishers()];
                Arrays.fill(last, -1);
                subscriber.subscribeWith().topicFilter(scenario.topic()).qos(qos())
                        .callback(publish -> delivered(publish.getPayloadAsBytes(), last)).send()
                        .get(10, TimeUnit.SECONDS);
            }
            List<Mqtt5AsyncClient> publishers = new ArrayList<>();
            for (int p = 0; p < scenario.publishers(); p++) {
                publishers.add(connect(clients, target, "pub" + p));
            }
            double cpuBefore = PierServer.cpuSeconds(target.pid());
            started = System.nanoTime();
            AtomicLong sent = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < publishers.size(); p++) {
                Mqtt5AsyncClient publisher = publishers.get(p);
                int index = p;
                threads.add(Thread.ofPlatform().name("publisher-" + p).start(() -> publish(publisher, index, sent)));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            awaitQuiet();
            double cpu = PierServer.cpuSeconds(target.pid()) - cpuBefore;
            long[] measured = Arrays.copyOf(latencies, (int) Math.min(SAMPLES, samples.get()));
            Arrays.sort(measured);
            double seconds = (lastDelivery.get() - started) / 1e9;
            return new Result(sent.get(), failed.get(), sent.get() * scenario.subscribers(), received.get(),
                    outOfOrder.get(), seconds, cpu, measured);
        } finally {
            for (Mqtt5AsyncClient client : clients) {
                client.disconnect().exceptionally(e -> null).get(10, TimeUnit.SECONDS);
            }
        }
    }

    private Mqtt5AsyncClient connect(List<Mqtt5AsyncClient> clients, Target broker, String role) throws Exception {
        Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier("load-" + run + "-" + role)
                .serverHost(broker.host()).serverPort(broker.port()).buildAsync();
        var connect = client.connectWith().cleanStart(true);
        if (broker.user() != null) {
            connect = connect.simpleAuth().username(broker.user())
                    .password(broker.password().getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
        }
        connect.send().get(10, TimeUnit.SECONDS);
        clients.add(client);
        return client;
    }

    private MqttQos qos() {
        return MqttQos.fromCode(scenario.qos());
    }

    // paced: message i is due at started + i / rate, and its latency counts from then
    private void publish(Mqtt5AsyncClient publisher, int index, AtomicLong sent) {
        Semaphore window = new Semaphore(IN_FLIGHT);
        long end = started + TimeUnit.SECONDS.toNanos(scenario.seconds());
        long period = scenario.rate() == 0 ? 0 : 1_000_000_000L / scenario.rate();
        for (long i = 0; ; i++) {
            long due = started + i * period;
            if (due >= end || System.nanoTime() >= end) {
                break;
            }
            while (period > 0 && System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            window.acquireUninterruptibly();
            byte[] payload = payload(index, i, period == 0 ? System.nanoTime() : due);
            publisher.publishWith().topic(scenario.topic()).qos(qos()).retain(scenario.retain()).payload(payload)
                    .send().whenComplete((result, failure) -> {
                        if (failure != null || result.getError().isPresent()) {
                            failed.incrementAndGet();
                        }
                        window.release();
                    });
            sent.incrementAndGet();
        }
        window.acquireUninterruptibly(IN_FLIGHT);
    }

    private static byte[] payload(int publisher, long sequence, long due) {
        String json = "{\"id\":\"bench\",\"k\":" + publisher + ",\"s\":" + sequence + ",\"t\":" + due + ",\"x\":\"";
        return (json + "x".repeat(Math.max(0, PAYLOAD - json.length() - 2)) + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    // on the client's thread; one subscriber's deliveries come in order
    private void delivered(byte[] payload, long[] last) {
        long now = System.nanoTime();
        long due = number(payload, "\"t\":");
        if (due < started) {
            return; // a retained value of an earlier run
        }
        int publisher = (int) number(payload, "\"k\":");
        long sequence = number(payload, "\"s\":");
        synchronized (last) {
            if (sequence <= last[publisher]) {
                outOfOrder.incrementAndGet();
            }
            last[publisher] = Math.max(last[publisher], sequence);
        }
        long sample = samples.getAndIncrement();
        if (sample < SAMPLES) {
            latencies[(int) sample] = now - due;
        }
        received.incrementAndGet();
        lastDelivery.accumulateAndGet(now, Math::max);
    }

    private static long number(byte[] payload, String key) {
        byte[] wanted = key.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + wanted.length < payload.length; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (payload[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            long value = 0;
            for (int k = i + wanted.length; k < payload.length && payload[k] >= '0' && payload[k] <= '9'; k++) {
                value = value * 10 + (payload[k] - '0');
            }
            return value;
        }
        return -1;
    }

    // deliveries are over when none came for two seconds (or after a minute)
    private void awaitQuiet() {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        long seen = -1;
        while (System.nanoTime() < deadline) {
            long now = received.get();
            if (now == seen) {
                return;
            }
            seen = now;
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
        }
    }
}
