package pier.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import pier.engine.Replication;
import pier.resource.MessageRelay;

/**
 * This node's membership of a cluster: the NATS connection, the streams, the schema check, and the threads
 * that ship this node's changes and apply everyone's. Writes never wait for it: while NATS is away they
 * are kept in the feed and shipped when it is back.
 */
public final class Cluster implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Cluster.class.getName());
    private static final int STREAM_NOT_FOUND = 10059;
    private static final int KEY_EXISTS = 10071;
    private static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(2);
    private static final Duration SET_UP_TIME = Duration.ofSeconds(30);

    private final ClusterSettings settings;
    private final Replication replication;
    private final Connection nats;
    private final Problems problems = new Problems();
    private final Shipper shipper;
    private final Applier applier;
    private final NatsRelay relay;
    private final Dispatcher dispatcher;
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile boolean refused;

    private Cluster(ClusterSettings settings, Replication replication, Connection nats) throws IOException {
        this.settings = settings;
        this.replication = replication;
        this.nats = nats;
        this.shipper = new Shipper(nats, replication, problems);
        Snapshots snapshots = new Snapshots(nats, replication);
        this.applier = new Applier(nats, replication, snapshots, problems);
        this.relay = new NatsRelay(nats, settings.node(), problems);
        this.dispatcher = nats.createDispatcher();
        snapshots.serve(dispatcher, () -> applier.state().equals("replicating"));
    }

    /**
     * Joins the cluster. When NATS answers now, the streams are made and the schema checked before this
     * returns; otherwise the node starts alone, and joins when NATS is reachable.
     *
     * @param settings    where NATS is and who this node is
     * @param replication the database's side of replication
     * @return the membership; close it to leave
     * @throws ClusterException when this node's schema is not the cluster's
     */
    public static Cluster join(ClusterSettings settings, Replication replication) {
        Connection nats;
        try {
            nats = Nats.connectReconnectOnConnect(options(settings));
        } catch (IOException e) {
            throw new ClusterException("cannot reach NATS at " + settings.servers() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while connecting to NATS");
        }
        try {
            Cluster cluster = new Cluster(settings, replication, nats);
            if (nats.getStatus() == Connection.Status.CONNECTED) {
                cluster.setUp();
            } else {
                LOG.log(System.Logger.Level.WARNING, "cluster: NATS at {0} does not answer; this node serves and "
                        + "keeps its changes, and joins when NATS is back", settings.servers());
                cluster.start("pier-cluster-join", cluster::setUpWhenConnected);
            }
            cluster.start("pier-cluster-shipper", cluster.whenReady(cluster.shipper));
            cluster.start("pier-cluster-applier", cluster.whenReady(cluster.applier));
            replication.onChange(cluster.shipper::wake);
            return cluster;
        } catch (IOException | RuntimeException e) {
            closeQuietly(nats);
            throw e instanceof ClusterException c ? c : new ClusterException("cannot join the cluster: " + e);
        }
    }

    /** @return the relay for messages no table keeps */
    public MessageRelay relay() {
        return relay;
    }

    /** @return where replication stands */
    public ClusterStatus status() {
        return new ClusterStatus(settings.node(), nats.getStatus() == Connection.Status.CONNECTED,
                refused ? "refused" : ready.getCount() > 0 ? "joining" : applier.state(), shipper.behind(),
                replication.applied(), applier.lagChanges(), applier.lagSeconds(), applier.lastApplied(),
                problems.last());
    }

    private void setUpWhenConnected() {
        while (nats.getStatus() != Connection.Status.CONNECTED && nats.getStatus() != Connection.Status.CLOSED) {
            sleep(200);
        }
        try {
            setUp();
        } catch (ClusterException e) {
            refused = true;
            LOG.log(System.Logger.Level.ERROR, "cluster: this node does not join: " + e.getMessage());
        } catch (RuntimeException e) {
            problems.report("joining", Problems.message(e));
        }
    }

    // the streams and the bucket are made by whichever node comes first; the others find them. JetStream
    // answers "not ready" for a while after its servers start (no meta leader yet): tried again then
    private void setUp() {
        long deadline = System.nanoTime() + SET_UP_TIME.toNanos();
        while (true) {
            try {
                trySetUp();
                return;
            } catch (ClusterException e) {
                if (e.getCause() == null || System.nanoTime() > deadline) {
                    throw e;
                }
                problems.report("joining", e.getMessage());
                sleep(500);
            }
        }
    }

    private void trySetUp() {
        try {
            JetStreamManagement streams = nats.jetStreamManagement();
            ensureStream(streams, Names.CHANGES, Names.CHANGES_SUBJECTS, settings.changeRetention());
            ensureStream(streams, Names.MESSAGES, Names.MESSAGES_SUBJECTS, settings.messageRetention());
            checkSchema();
            relay.start(dispatcher);
            LOG.log(System.Logger.Level.INFO, "cluster: node {0} joined through {1} (replicas {2}); changes applied "
                    + "up to {3}", settings.node(), nats.getConnectedUrl(), settings.replicas(), replication.applied());
            problems.solved("joining");
            ready.countDown();
        } catch (IOException | JetStreamApiException e) {
            throw new ClusterException("cannot set up the cluster's streams: " + Problems.message(e), e);
        }
    }

    private void ensureStream(JetStreamManagement streams, String name, String subjects, Duration maxAge)
            throws IOException, JetStreamApiException {
        try {
            streams.getStreamInfo(name);
            return;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
        }
        try {
            streams.addStream(StreamConfiguration.builder().name(name).subjects(subjects)
                    .replicas(settings.replicas()).storageType(StorageType.File)
                    .retentionPolicy(RetentionPolicy.Limits).discardPolicy(DiscardPolicy.Old).maxAge(maxAge)
                    .duplicateWindow(maxAge.compareTo(DUPLICATE_WINDOW) < 0 ? maxAge : DUPLICATE_WINDOW).build());
        } catch (JetStreamApiException e) {
            // made by another node a moment ago
            streams.getStreamInfo(name);
        }
    }

    private void checkSchema() throws IOException, JetStreamApiException {
        try {
            nats.keyValueManagement().getStatus(Names.BUCKET);
        } catch (JetStreamApiException e) {
            try {
                nats.keyValueManagement().create(KeyValueConfiguration.builder().name(Names.BUCKET)
                        .replicas(settings.replicas()).storageType(StorageType.File).build());
            } catch (JetStreamApiException made) {
                nats.keyValueManagement().getStatus(Names.BUCKET);
            }
        }
        KeyValue bucket = nats.keyValue(Names.BUCKET);
        List<String> mine = replication.schemaLines();
        try {
            bucket.create(Names.SCHEMA_KEY, String.join("\n", mine).getBytes(StandardCharsets.UTF_8));
            return;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != KEY_EXISTS) {
                throw e;
            }
        }
        KeyValueEntry entry = bucket.get(Names.SCHEMA_KEY);
        List<String> theirs = entry == null ? mine
                : Arrays.asList(new String(entry.getValue(), StandardCharsets.UTF_8).split("\n"));
        if (!theirs.equals(mine)) {
            throw new ClusterException("this node's schema is not the cluster's: " + difference(mine, theirs));
        }
    }

    private static String difference(List<String> mine, List<String> theirs) {
        List<String> onlyHere = mine.stream().filter(line -> !theirs.contains(line)).toList();
        List<String> onlyThere = theirs.stream().filter(line -> !mine.contains(line)).toList();
        return (onlyHere.isEmpty() ? "" : "only here: " + String.join("; ", onlyHere))
                + (onlyHere.isEmpty() || onlyThere.isEmpty() ? "" : " — ")
                + (onlyThere.isEmpty() ? "" : "only in the cluster: " + String.join("; ", onlyThere));
    }

    private Runnable whenReady(Runnable work) {
        return () -> {
            try {
                while (!ready.await(200, TimeUnit.MILLISECONDS)) {
                    if (refused || nats.getStatus() == Connection.Status.CLOSED) {
                        return;
                    }
                }
                work.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private void start(String name, Runnable work) {
        threads.add(Thread.ofPlatform().name(name).daemon().start(work));
    }

    /** Stops shipping and applying, keeps how far shipping got, and closes the NATS connection. */
    @Override
    public void close() {
        shipper.close();
        applier.close();
        relay.close();
        for (Thread thread : threads) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            shipper.saveNow();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: the shipped position was not kept: " + e.getMessage());
        }
        closeQuietly(nats);
    }

    private static void closeQuietly(Connection nats) {
        try {
            nats.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Options options(ClusterSettings settings) {
        Options.Builder options = Options.builder().servers(settings.servers().toArray(String[]::new))
                .connectionName("pier-" + settings.node()).maxReconnects(-1).reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(3)).errorListener(new QuietErrors())
                .connectionListener((connection, event) -> {
                    if (event == ConnectionListener.Events.DISCONNECTED) {
                        LOG.log(System.Logger.Level.WARNING, "cluster: NATS connection lost; writes go on here and "
                                + "ship when it is back");
                    } else if (event == ConnectionListener.Events.RECONNECTED) {
                        LOG.log(System.Logger.Level.INFO, "cluster: NATS connection back: {0}",
                                connection.getConnectedUrl());
                    }
                });
        settings.credentials().ifPresent(file -> options.authHandler(Nats.credentials(file.toString())));
        settings.user().ifPresent(user -> options.userInfo(user, settings.password()));
        return options.build();
    }

    /** jnats' own listener logs a stack trace per event: one line each here. */
    private static final class QuietErrors implements ErrorListener {
        @Override
        public void errorOccurred(Connection connection, String error) {
            LOG.log(System.Logger.Level.WARNING, "cluster: NATS said: " + error);
        }

        @Override
        public void exceptionOccurred(Connection connection, Exception exception) {
            LOG.log(System.Logger.Level.DEBUG, "cluster: NATS connection: " + exception);
        }
    }
}
