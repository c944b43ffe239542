package pier.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;

import pier.engine.Replication;
import pier.resource.MessageRelay;

/**
 * This node's membership of a cluster: the NATS connection, the streams, the schema check, and the threads
 * that ship this node's changes and apply everyone's. Writes never wait for it: while NATS is away they
 * are kept in the feed and shipped when it is back.
 */
public final class Cluster implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Cluster.class.getName());
    private static final Duration SET_UP_TIME = Duration.ofSeconds(30);

    private final ClusterSettings settings;
    private final Replication replication;
    private final Problems problems = new Problems();
    private final Relay relay = new Relay();
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Member member;
    private volatile boolean refused;
    private volatile boolean relayOpen;
    private volatile boolean closed;

    /** What a node runs once it is connected to NATS. */
    private record Member(Connection nats, Shipper shipper, Applier applier, NatsRelay relay, Dispatcher dispatcher) {
    }

    /** The relay the server holds from the start; messages go nowhere until NATS is reached. */
    private static final class Relay implements MessageRelay {
        private final java.util.Map<String, java.util.function.Consumer<Relayed>> receivers =
                new java.util.concurrent.ConcurrentHashMap<>();
        private volatile NatsRelay target;

        @Override
        public void send(Relayed message) {
            NatsRelay to = target;
            if (to != null) {
                to.send(message);
            }
        }

        @Override
        public void receive(String channel, java.util.function.Consumer<Relayed> receiver) {
            receivers.put(channel, receiver);
            NatsRelay to = target;
            if (to != null) {
                to.receive(channel, receiver);
            }
        }

        void connect(NatsRelay to) {
            receivers.forEach(to::receive);
            target = to;
        }
    }

    private Cluster(ClusterSettings settings, Replication replication) {
        this.settings = settings;
        this.replication = replication;
    }

    /**
     * Joins the cluster. When NATS answers now, the streams are made and the schema checked before this
     * returns; otherwise the node starts alone, keeps its changes, and joins when NATS is reachable.
     *
     * @param settings    where NATS is and who this node is
     * @param replication the database's side of replication
     * @return the membership; close it to leave
     * @throws ClusterException when this node's schema is not the cluster's
     */
    public static Cluster join(ClusterSettings settings, Replication replication) {
        Cluster cluster = new Cluster(settings, replication);
        Options options = options(settings);
        Connection nats = null;
        try {
            nats = Nats.connect(options);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: NATS at {0} does not answer ({1}); this node serves "
                    + "and keeps its changes, and joins when NATS is back", settings.servers(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while connecting to NATS");
        }
        if (nats != null) {
            cluster.member(nats);
        } else {
            cluster.start("pier-cluster-join", () -> cluster.joinWhenReachable(options));
        }
        replication.onChange(cluster::wake);
        return cluster;
    }

    private void joinWhenReachable(Options options) {
        while (!closed) {
            try {
                member(Nats.connect(options));
                return;
            } catch (IOException e) {
                sleep(1000);
            } catch (InterruptedException e) {
                return;
            } catch (ClusterException e) {
                refused = true;
                LOG.log(System.Logger.Level.ERROR, "cluster: this node does not join: " + e.getMessage());
                return;
            }
        }
    }

    // connected: the streams, the schema, then the threads that ship and apply
    private void member(Connection nats) {
        try {
            Snapshots snapshots = new Snapshots(nats, replication);
            Unanswered unanswered = new Unanswered(nats);
            Member joined = new Member(nats, new Shipper(nats, replication, problems, unanswered),
                    new Applier(nats, replication, snapshots, problems, unanswered),
                    new NatsRelay(nats, replication, problems),
                    nats.createDispatcher());
            setUp(nats);
            snapshots.serve(joined.dispatcher(), () -> joined.applier().state().equals("replicating"));
            relay.connect(joined.relay());
            member = joined;
            startRelaying();
            start("pier-cluster-shipper", joined.shipper());
            start("pier-cluster-applier", joined.applier());
        } catch (IOException | RuntimeException e) {
            closeQuietly(nats);
            throw e instanceof ClusterException c ? c : new ClusterException("cannot join the cluster: " + e);
        }
    }

    private void wake() {
        Member joined = member;
        if (joined != null) {
            joined.shipper().wake();
        }
    }

    /** @return the relay for messages no table keeps */
    public MessageRelay relay() {
        return relay;
    }

    /**
     * Starts taking other nodes' messages, once every receiver is registered with the relay (from where
     * this node left off, when the stream still holds it: a message sent while it was down still reaches
     * its durable sessions).
     */
    public void openRelay() {
        relayOpen = true;
        startRelaying();
    }

    private synchronized void startRelaying() {
        Member joined = member;
        if (relayOpen && joined != null) {
            try {
                joined.relay().start(joined.dispatcher());
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                problems.report("relaying", "messages of other nodes not taken: " + Problems.message(e));
            }
        }
    }

    /** @return where replication stands */
    public ClusterStatus status() {
        Member joined = member;
        if (joined == null) {
            return new ClusterStatus(settings.node(), false, refused ? "refused" : "joining",
                    Math.max(0, replication.position() - replication.shipped()), replication.applied(), 0, 0,
                    java.util.Optional.empty(), problems.last());
        }
        return new ClusterStatus(settings.node(), joined.nats().getStatus() == Connection.Status.CONNECTED,
                joined.applier().state(), joined.shipper().behind(), replication.applied(),
                joined.applier().lagChanges(), joined.applier().lagSeconds(), joined.applier().lastApplied(),
                problems.last());
    }

    // JetStream answers "not ready" for a while after its servers start (no meta leader yet): tried again
    private void setUp(Connection nats) {
        long deadline = System.nanoTime() + SET_UP_TIME.toNanos();
        while (true) {
            try {
                new Footing(nats, settings).lay(replication.schemaLines());
                LOG.log(System.Logger.Level.INFO, "cluster: node {0} joined through {1} (replicas {2}); changes "
                        + "applied up to {3}", settings.node(), nats.getConnectedUrl(), settings.replicas(),
                        replication.applied());
                problems.solved("joining");
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

    private void start(String name, Runnable work) {
        threads.add(Thread.ofPlatform().name(name).daemon().start(work));
    }

    /** Stops shipping and applying, keeps how far shipping got, and closes the NATS connection. */
    @Override
    public void close() {
        closed = true;
        Member joined = member;
        if (joined != null) {
            joined.shipper().close();
            joined.applier().close();
            joined.relay().close();
        }
        for (Thread thread : threads) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (joined != null) {
            try {
                joined.shipper().saveNow();
                replication.keepApplied();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cluster: positions not kept: " + e.getMessage());
            }
            closeQuietly(joined.nats());
        }
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
