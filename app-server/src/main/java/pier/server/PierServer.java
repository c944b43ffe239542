package pier.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import javax.net.ssl.KeyManagerFactory;

import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.cors.CorsFeature;
import io.helidon.webserver.websocket.WsConfig;

import pier.cluster.Cluster;
import pier.codec.CodecLimits;
import pier.codec.CodecRegistry;
import pier.engine.Database;
import pier.engine.Schema;
import pier.plugins.Plugins;
import pier.protocol.WebSocketSubProtocol;
import pier.protocol.http.ClientEnds;
import pier.protocol.http.ConnectionClose;
import pier.protocol.http.BackupService;
import pier.protocol.http.GraphQlService;
import pier.protocol.http.LoginService;
import pier.protocol.http.Logins;
import pier.protocol.http.DirectProblems;
import pier.protocol.http.HeaderDeadline;
import pier.protocol.http.RequestLineGuard;
import pier.protocol.http.RestService;
import pier.protocol.http.SafeResponses;
import pier.protocol.http.WebSocketEndpoint;
import pier.protocol.mqtt.MqttBroker;
import pier.protocol.mqtt.MqttListener;
import pier.protocol.mqtt.MqttTables;
import pier.protocol.mqtt.MqttWebSocket;
import pier.protocol.mqtt.TableTopics;
import pier.resource.Connections;
import pier.resource.Exposure;
import pier.resource.ResourceRegistry;
import pier.security.AccessControl;
import pier.security.AccountResources;
import pier.security.Authenticator;
import pier.security.LoginThrottle;
import pier.security.Security;
import pier.security.Tokens;
import pier.security.UserQuota;
import pier.security.Users;
import pier.store.Store;
import pier.store.Stores;

/**
 * A running Pier server: the store, the database, the users and the HTTP listener, started together
 * and stopped in order (no new work, then the last commits, then the files).
 */
final class PierServer {

    private static final System.Logger LOG = System.getLogger(PierServer.class.getName());
    private static final String HTTPS = "https";
    private static final int MAX_REQUEST_LINE = 8 << 10;
    private static final java.time.Duration HEADER_DEADLINE = java.time.Duration.ofSeconds(10);

    private final Store store;
    private final Database database;
    private final WebServer http;
    private final Optional<Mqtt> mqtt;
    private final HeaderDeadline headerDeadline;
    private final Observability observability;
    private final Optional<Cluster> cluster;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** The broker and its TCP and TLS listeners, when MQTT is on. */
    private record Mqtt(MqttBroker broker, Optional<MqttListener> listener, Optional<MqttListener> tls) {
        static Mqtt start(ServerConfig config, Database database, Authenticator users, TableTopics tables,
                          Optional<KeyManagerFactory> tlsKeys, Observability observability) {
            MqttBroker broker = MqttBroker.start(config.mqtt(), users, MqttTables.retained(database),
                    MqttTables.sessions(database), tables);
            Optional<MqttListener> plain = Optional.empty();
            try {
                observability.registerMqttMeters(broker);
                if (config.mqttPort() > 0) {
                    plain = Optional.of(MqttListener.start(config.httpHost(), config.mqttPort(), broker));
                }
                Optional<MqttListener> tls = Optional.empty();
                if (config.mqttsPort() > 0) {
                    tls = Optional.of(MqttListener.start(config.httpHost(), config.mqttsPort(), broker,
                            tlsKeys.orElseThrow()));
                }
                return new Mqtt(broker, plain, tls);
            } catch (javax.net.ssl.SSLException e) {
                plain.ifPresent(MqttListener::close);
                broker.close();
                throw new IllegalStateException("TLS: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                broker.close();
                throw new IllegalStateException("interrupted while binding the MQTT port", e);
            } catch (RuntimeException e) {
                plain.ifPresent(MqttListener::close);
                broker.close();
                throw e;
            }
        }

        // the broker says goodbye to every client while the listeners' event loops can still write it
        void stop() {
            broker.close();
            listener.ifPresent(MqttListener::close);
            tls.ifPresent(MqttListener::close);
        }
    }

    private PierServer(Store store, Database database, WebServer http, Optional<Mqtt> mqtt,
                       HeaderDeadline headerDeadline, Observability observability, Optional<Cluster> cluster) {
        this.cluster = cluster;
        this.store = store;
        this.database = database;
        this.http = http;
        this.mqtt = mqtt;
        this.headerDeadline = headerDeadline;
        this.observability = observability;
    }

    /**
     * Opens the store and the database and starts listening.
     *
     * @param config      the settings
     * @param environment for {@code PIER_ADMIN_PASSWORD}
     * @throws pier.store.StoreException when the store cannot be opened
     * @throws pier.engine.SchemaException when the schema cannot be used
     */
    static PierServer start(ServerConfig config, java.util.Map<String, String> environment) {
        Schema schema = schema(config);
        CodecRegistry codecs = CodecRegistry.load(CodecLimits.DEFAULT);
        DataFolder.create(config.dataFolder());
        Store store = Stores.open(config.storeBackend(), config.dataFolder(), config.store());
        Observability observability = new Observability();
        try {
            Database database = Database.open(store, schema, List.of(Security.SYSTEM_TABLES, MqttTables.SYSTEM_TABLES),
                    codecs, config.retention());
            // joined before anything is served: a node whose schema is not the cluster's does not start
            Optional<Cluster> cluster = config.cluster().map(settings -> Cluster.join(settings,
                    database.replicate(settings.node(), Set.of(MqttTables.SESSIONS))));
            cluster.ifPresent(c -> database.relay(c.relay()));
            try {
                return start(config, environment, store, database, codecs, observability, cluster);
            } catch (RuntimeException e) {
                cluster.ifPresent(Cluster::close);
                throw e;
            }
        } catch (RuntimeException e) {
            observability.close();
            store.close();
            throw e;
        }
    }

    private static PierServer start(ServerConfig config, java.util.Map<String, String> environment, Store store,
                                    Database database, CodecRegistry codecs, Observability observability,
                                    Optional<Cluster> cluster) {
        Guards guards = Guards.open(config, database, environment, observability);
        ResourceRegistry resources = new ResourceRegistry(guards.access());
        database.exportTo(resources);
        AccountResources.registerIn(resources, guards.access());
        Connections connections = new Connections();
        resources.register(Connections.NAME, connections.resource());
        connections.enforce(guards.access());
        observability.registerProtocolMeters(connections);
        database.useFunctions(Plugins.functions(Plugins.load(config.plugins(), resources)));
        LOG.log(System.Logger.Level.INFO, "store {0} in {1}; serving {2} in {3}", config.storeBackend(),
                config.dataFolder().toAbsolutePath(), resources.names(), codecs.supportedTypes());
        Optional<KeyManagerFactory> tlsKeys = tlsKeys(config);
        Optional<Mqtt> mqtt = config.mqttPort() == 0 && config.mqttsPort() == 0 ? Optional.empty()
                : Optional.of(Mqtt.start(config, database, guards.passwords(), new TableTopics(resources.on(Exposure.MQTT), codecs,
                guards.access(), guards.quota(), connections), tlsKeys, observability));
        cluster.ifPresent(c -> {
            mqtt.ifPresent(m -> m.broker().relay(c.relay()));
            c.openRelay();
        });
        HeaderDeadline headerDeadline = new HeaderDeadline(HEADER_DEADLINE);
        try {
            WebServer http = http(config, new Served(store, database, resources, codecs, guards,
                    observability, cluster, connections), mqtt, tlsKeys,
                    headerDeadline).build().start();
            return new PierServer(store, database, http, mqtt, headerDeadline, observability, cluster);
        } catch (RuntimeException e) {
            mqtt.ifPresent(Mqtt::stop);
            headerDeadline.close();
            throw e;
        }
    }

    // one keystore (given, or the certificate made on the first start) serves MQTT over TLS and HTTPS; the
    // store's files and the TLS folder hold secrets: the owner's alone
    private static Optional<KeyManagerFactory> tlsKeys(ServerConfig config) {
        Optional<KeyManagerFactory> keys = config.mqttsPort() > 0 || config.httpsPort() > 0
                ? Optional.of(TlsKeys.load(config.keystore(), config.keystorePassword(), config.dataFolder(),
                config.httpHost())) : Optional.empty();
        DataFolder.protect(config.dataFolder());
        config.keystore().ifPresent(DataFolder::warnIfShared);
        return keys;
    }

    /** Who may do what: the policy, the throttle every password check goes through, the quotas. */
    private record Guards(AccessControl access, LoginThrottle passwords, UserQuota quota) {

        static Guards open(ServerConfig config, Database database, java.util.Map<String, String> environment,
                           Observability observability) {
            Users users = Users.open(database.systemTable(Security.USERS), config.anonymousRole().isPresent());
            users.createAdminIfNone(Optional.ofNullable(environment.get("PIER_ADMIN_PASSWORD")))
                    .ifPresent(password -> announce(config.dataFolder(), password));
            AccessControl access = AccessControl.open(users, database.systemTable(Security.ROLES),
                    config.anonymousRole());
            if (config.cluster().isPresent()) {
                // users and roles change on other nodes too
                access.followTables();
            }
            // every protocol checks passwords through the throttle of failed logins per client address
            LoginThrottle passwords = new LoginThrottle(users, config.maxFailedLogins(), config.failedLoginWindow());
            observability.registerLoginMeters(passwords);
            UserQuota quota = new UserQuota(config.maxConnectionsPerUser(), config.maxSubscriptionsPerUser(),
                    access::isSuperUser);
            observability.registerQuotaMeters(quota);
            return new Guards(access, passwords, quota);
        }
    }

    /** What the HTTP listeners serve. */
    private record Served(Store store, Database database, ResourceRegistry resources, CodecRegistry codecs,
                          Guards guards, Observability observability, Optional<Cluster> cluster,
                          Connections connections) {
    }

    private static WebServerConfig.Builder http(ServerConfig config, Served served, Optional<Mqtt> mqtt,
                                                Optional<KeyManagerFactory> tlsKeys, HeaderDeadline headerDeadline) {
        ClientEnds.quietenHelidon();
        WebServerConfig.Builder builder = listener(WebServer.builder(), config, headerDeadline)
                .host(config.httpHost())
                .port(config.httpPort())
                .shutdownHook(false)
                .addFeature(served.observability().feature(served.store(), served.database(), served.cluster()));
        if (!config.corsOrigins().isEmpty()) {
            builder.addFeature(cors(config.corsOrigins()));
        }
        // WebSockets on the HTTP port: records, collections and live queries; MQTT with sub-protocol "mqtt"
        List<WebSocketSubProtocol> subProtocols = mqtt.map(m -> List.<WebSocketSubProtocol>of(
                new MqttWebSocket(m.broker()))).orElse(List.of());
        Logins logins = new Logins(Tokens.create(served.guards().passwords(), config.sessionLifetime()));
        UserQuota quota = served.guards().quota();
        ResourceRegistry overHttp = served.resources().on(Exposure.REST);
        WebSocketEndpoint webSockets = new WebSocketEndpoint(subProtocols, overHttp, served.codecs(), logins, quota,
                served.connections());
        RestService rest = new RestService(overHttp, served.codecs(), logins, quota, served.connections(),
                CodecLimits.DEFAULT.maxBytes(), config.sseKeepAlive());
        LoginService login = new LoginService(logins);
        GraphQlService graphQl = new GraphQlService(overHttp, logins, CodecLimits.DEFAULT.maxBytes());
        BackupService backup = new BackupService(logins, served.guards().access()::isSuperUser,
                new DatabaseBackups(served.database()));
        Consumer<HttpRouting.Builder> routes = routing -> routing.addFilter(ConnectionClose.filter())
                .addFilter(SafeResponses.filter())
                .addFilter(webSockets.upgradeGate())
                .register("/", login).register("/", graphQl).register("/", backup).register("/", rest);
        builder.routing(routes).addRouting(webSockets.routing());
        if (config.httpsPort() > 0) {
            Tls tls = Tls.builder().sslContext(TlsKeys.context(tlsKeys.orElseThrow()))
                    .enabledProtocols(TlsKeys.PROTOCOLS).build();
            builder.putSocket(HTTPS, socket -> listener(socket, config, headerDeadline).host(config.httpHost())
                    .port(config.httpsPort()).tls(tls).routing(routes).addRouting(webSockets.routing()));
        }
        return builder;
    }

    /** The settings every HTTP listener shares, plain or TLS. */
    private static <B extends ListenerConfig.BuilderBase<B, ?>> B listener(B listener, ServerConfig config,
                                                                          HeaderDeadline headerDeadline) {
        // the query language uses '|', '[' and ']' unencoded, as curl and browsers send them; RestService
        // parses and checks the query itself
        listener.addProtocol(Http1Config.builder().validatePrologue(false).maxPrologueLength(MAX_REQUEST_LINE)
                        .addReceiveListener(headerDeadline).build())
                // what Helidon's HTTP/1 selector turns down (HTTP/1.0, HTTP/2.0 as text, a NUL in the method, a
                // request line over the limit) gets an answer instead of a silent close
                .addConnectionSelector(new RequestLineGuard(MAX_REQUEST_LINE))
                .directHandlers(DirectProblems.handlers())
                // a streamed collection ends in a second small write; with Nagle's algorithm it waits for the
                // client's delayed ACK (~40 ms)
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                // Helidon stops listening for good when accept() fails; waiting at a connection limit below the
                // file descriptor limit leaves new clients in the backlog instead
                .maxTcpConnections(config.httpMaxConnections());
        if (!config.corsOrigins().isEmpty()) {
            // pages of the listed origins may open WebSockets; without a list Helidon allows only the
            // server's own origin. "*" does not reach WebSockets: any site could open sockets with the user's
            // credentials (cross-site WebSocket hijacking)
            listener.addProtocol(WsConfig.builder().name("websocket").origins(Set.copyOf(config.corsOrigins()
                    .stream().filter(origin -> !origin.equals("*")).toList())).build());
        }
        return listener;
    }

    /** What the server listens on, as the ready line prints it: {@code http=HOST:PORT [mqtt=HOST:PORT]}. */
    String listeners() {
        String host = http.prototype().host();
        return "http=" + host + ":" + http.port()
                + (http.port(HTTPS) > 0 ? " https=" + host + ":" + http.port(HTTPS) : "")
                + mqtt.flatMap(Mqtt::listener).map(l -> " mqtt=" + host + ":" + l.port()).orElse("")
                + mqtt.flatMap(Mqtt::tls).map(l -> " mqtts=" + host + ":" + l.port()).orElse("");
    }

    /**
     * Stops accepting requests, lets in-flight commits finish, and closes the store. Runs once; a
     * concurrent caller (the shutdown hook while a signal handler stops) waits until it is done.
     */
    synchronized void stop() {
        if (stopped.getCount() == 0) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "stopping");
        // each step runs whatever the one before did: a failing listener never keeps the store open
        step("MQTT", () -> mqtt.ifPresent(Mqtt::stop));
        step("HTTP", http::stop);
        step("the header deadline", headerDeadline::close);
        step("the meters", observability::close);
        step("the cluster", () -> cluster.ifPresent(Cluster::close));
        step("the database", database::close);
        step("the store", store::close);
        LOG.log(System.Logger.Level.INFO, "stopped; store closed");
        stopped.countDown();
    }

    private static void step(String what, Runnable stop) {
        try {
            stop.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stopping " + what + " failed: " + e);
        }
    }

    /**
     * Blocks until {@link #stop()} has finished. The main thread waits here so that the JVM cannot begin
     * its own shutdown (which resets logging) while the store is still closing.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private static CorsFeature cors(List<String> origins) {
        return CorsFeature.builder().enabled(true).addDefaults(false).addPath(path -> path.pathPattern("/*")
                .allowOrigins(Set.copyOf(origins))
                // EventSource and fetch with credentials; never with "*", which would hand any site the
                // user's credentials
                .allowCredentials(!origins.contains("*"))
                .allowMethods(Set.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"))
                .exposeHeaders(Set.of("ETag", "Location"))).build();
    }

    private static Schema schema(ServerConfig config) {
        try {
            if (config.schema().isPresent()) {
                Path file = config.schema().get();
                return Schema.parse(file.toString(), Files.readString(file));
            }
            try (InputStream sample = PierServer.class.getResourceAsStream("sample-schema.graphql")) {
                return Schema.parse("sample-schema.graphql", new String(sample.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema: " + e.getMessage(), e);
        }
    }

    // the generated password is shown once and kept in a file only its owner can read
    private static void announce(Path dataFolder, String password) {
        Path file = dataFolder.resolve("admin-password");
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the admin password to " + file, e);
        }
        System.out.println("pier: created user admin with password " + password + " (saved in " + file.toAbsolutePath()
                + ")");
    }
}
