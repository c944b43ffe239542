package pier.protocol.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import pier.codec.Codec;
import pier.codec.CodecRegistry;
import pier.codec.CodecException;
import pier.resource.Connections;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Replay;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.ResourceRegistry;
import pier.security.Policy;
import pier.security.UserQuota;
import pier.resource.SubscribeOptions;

/**
 * Topics that are records: {@code T/<id>} is record {@code <id>} of the resource served as {@code T}
 * (ids may contain {@code /}), and {@code T} the resource itself (a custom resource's own messages). Payloads are decoded by the v5 content type, or detected as JSON objects
 * and arrays, or kept as opaque bytes; each connection picks the format it receives.
 */
public final class TableTopics {

    /** No tables: every topic is a plain topic. */
    public static final TableTopics NONE = new TableTopics(new ResourceRegistry(),
            CodecRegistry.of(pier.codec.CodecLimits.DEFAULT, List.of()), Policy.ALL, UserQuota.NONE, new Connections());

    private static final System.Logger LOG = System.getLogger(TableTopics.class.getName());
    private static final String OPAQUE = "application/octet-stream";

    private final ResourceRegistry resources;
    private final CodecRegistry codecs;
    private final Policy policy;
    private final UserQuota quota;
    private final Connections connections;

    /**
     * Joins the broker to resources.
     *
     * @param resources the served resources (exported tables and custom resources)
     * @param codecs    the formats payloads may come and go in
     * @param policy    who may do what: the policy the resources check, which also governs plain topics
     * @param quota     how many connections and subscriptions each user may hold
     * @param connections where each MQTT connection is shown while it lasts
     */
    public TableTopics(ResourceRegistry resources, CodecRegistry codecs, Policy policy, UserQuota quota,
                       Connections connections) {
        this.connections = connections;
        this.resources = resources;
        this.codecs = codecs;
        this.policy = policy;
        this.quota = quota;
    }

    UserQuota quota() {
        return quota;
    }

    Connections connections() {
        return connections;
    }

    Policy access() {
        return policy;
    }

    /** A record a topic names, or the resource itself ({@code id} null) when the topic is its bare name. */
    record Target(String name, Resource resource, String id) {

        String topic() {
            return id == null ? name : name + "/" + id;
        }
    }

    /**
     * What a subscription's filter covers of one resource: a record, the whole collection ({@code id}
     * null), or a live query on it ({@code T/?query}).
     */
    record Scope(String name, Resource resource, String id, pier.query.Query query) {
    }

    /** Whether a filter is a live query, {@code T/?query}, whose condition decides what it gets. */
    static boolean isLiveQuery(String filter) {
        int slash = filter.indexOf('/');
        return slash > 0 && filter.startsWith("?", slash + 1);
    }

    /** The problem with a live query filter's query, if any. */
    Optional<String> queryProblem(String filter) {
        if (!isLiveQuery(filter)) {
            return Optional.empty();
        }
        try {
            pier.query.Query.parse(filter.substring(filter.indexOf('/') + 2));
            return Optional.empty();
        } catch (pier.query.QueryException e) {
            return Optional.of(e.getMessage());
        }
    }

    Optional<Target> target(String topic) {
        int slash = topic.indexOf('/');
        if (slash < 0) {
            return resources.find(topic).map(resource -> new Target(topic, resource, null));
        }
        if (slash == 0 || slash == topic.length() - 1) {
            return Optional.empty();
        }
        String name = topic.substring(0, slash);
        return resources.find(name).map(resource -> new Target(name, resource, topic.substring(slash + 1)));
    }

    /** Whether a topic is {@code T/} of a served resource {@code T}: a record id that is empty, which no record has. */
    boolean namesNoRecord(String topic) {
        return topic.endsWith("/") && topic.indexOf('/') == topic.length() - 1
                && resources.find(topic.substring(0, topic.length() - 1)).isPresent();
    }

    List<Scope> scopes(String filter) {
        String first = filter.split("/", 2)[0];
        List<Scope> scopes = new ArrayList<>();
        if (first.equals("#") || first.equals("+")) {
            // MQTT-4.7.2-1: a filter starting with a wildcard does not match the $ topics ($connections, $users…)
            resources.names().stream().filter(name -> !name.startsWith("$")).forEach(name -> scopes.add(
                    new Scope(name, resources.find(name).orElseThrow(), null, pier.query.Query.ALL)));
            return scopes;
        }
        Optional<Resource> resource = resources.find(first);
        if (resource.isEmpty()) {
            return scopes;
        }
        if (filter.length() == first.length()) {
            scopes.add(new Scope(first, resource.get(), null, pier.query.Query.ALL)); // the resource's own messages
            return scopes;
        }
        String rest = filter.substring(first.length() + 1);
        if (rest.startsWith("?")) {
            scopes.add(new Scope(first, resource.get(), null, pier.query.Query.parse(rest.substring(1))));
            return scopes;
        }
        boolean exact = !rest.isEmpty() && !rest.contains("+") && !rest.contains("#");
        scopes.add(new Scope(first, resource.get(), exact ? rest : null, pier.query.Query.ALL));
        return scopes;
    }

    /** The format a client asked for (v5 CONNECT user property {@code accept}); empty when none fits. */
    Optional<Codec> outgoing(String accept) {
        try {
            return Optional.of(codecs.negotiate(accept));
        } catch (pier.codec.CodecException e) {
            return Optional.empty();
        }
    }

    Codec json() {
        return codecs.json();
    }

    /**
     * A payload as content: decoded by its content type, else detected as JSON when it is an object or
     * an array, else kept as opaque bytes.
     *
     * @throws pier.codec.CodecException when the payload is not what its type says
     */
    Content incoming(byte[] payload, Optional<String> contentType) {
        if (contentType.isPresent()) {
            Optional<Codec> codec = codecs.forContentType(contentType.get()).filter(Codec::decodes);
            return codec.<Content>map(c -> new Content.Structured(c.decode(payload)))
                    .orElseGet(() -> new Content.Opaque(contentType.get(), payload));
        }
        int first = 0;
        while (first < payload.length && Character.isWhitespace(payload[first])) {
            first++;
        }
        if (first < payload.length && (payload[first] == '{' || payload[first] == '[')) {
            return new Content.Structured(codecs.json().decode(payload));
        }
        return new Content.Opaque(OPAQUE, payload);
    }

    /**
     * A publish to a record topic: a retained one replaces the record (an empty one deletes it), and its
     * acknowledgement waits until that is durable while the connection reads on; a plain one notifies the
     * record's subscribers, after the session's writes to the topic before it. To the resource's own topic
     * {@code T} only plain messages go, to the subscribers of the whole resource.
     *
     * @return the v5 reason code for the ack, once it is known
     */
    CompletableFuture<Byte> write(Target target, byte[] payload, boolean retain, Optional<String> contentType,
                                  Principal principal, Session session) {
        String topic = target.topic();
        if (retain && target.id() == null) {
            // T is the resource, not a record: it takes messages, and holds no retained value of its own
            return done(ReasonCodes.TOPIC_NAME_INVALID);
        }
        try {
            Request record = Request.of(principal, target.id());
            if (retain && payload.length == 0) {
                CompletableFuture<Void> delete = session.ownWrites.delete(topic,
                        () -> target.resource().deleteAsync(record));
                return delete.handle((ignored, failure) -> reason(topic, failure));
            }
            Request request = record.withContent(incoming(payload, contentType));
            if (!retain) {
                session.ownWrites.awaitWrites(topic);
                target.resource().publish(request);
                return done(ReasonCodes.NORMAL);
            }
            CompletableFuture<pier.resource.Record> put = session.ownWrites.write(topic,
                    () -> target.resource().putAsync(request));
            return put.handle((ignored, failure) -> reason(topic, failure));
        } catch (RuntimeException e) {
            return done(reason(topic, e));
        }
    }

    private static CompletableFuture<Byte> done(byte reason) {
        return CompletableFuture.completedFuture(reason);
    }

    // the v5 reason code of a write's outcome (null: it succeeded)
    private static byte reason(String topic, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
        if (cause == null) {
            return ReasonCodes.NORMAL;
        }
        if (!(cause instanceof CodecException || cause instanceof ResourceException)) {
            LOG.log(System.Logger.Level.WARNING, "publish to " + topic + " failed: " + cause, cause);
            return ReasonCodes.UNSPECIFIED;
        }
        LOG.log(System.Logger.Level.DEBUG, "refused {0}: {1}", topic, cause.getMessage());
        return cause instanceof ResourceException e ? switch (e.kind()) {
            case BAD_REQUEST, UNSUPPORTED_MEDIA_TYPE, TOO_LARGE -> ReasonCodes.PAYLOAD_FORMAT_INVALID;
            case FORBIDDEN, UNAUTHORIZED -> ReasonCodes.NOT_AUTHORIZED;
            default -> ReasonCodes.UNSPECIFIED;
        } : ReasonCodes.PAYLOAD_FORMAT_INVALID;
    }

    /**
     * Subscribes a session's subscription to the records its filter covers, each through a feed; a replay
     * (asked with SUBSCRIBE) takes the place of the current state.
     */
    void follow(Subscription subscription, Session session, Principal principal, MqttSettings settings,
                boolean currentState, Optional<Replay> replay) {
        int capacity = settings.sessionBacklog();
        for (Scope scope : scopes(subscription.filter())) {
            Request request = Request.of(principal, scope.id()).withQuery(scope.query()).withReplay(replay);
            var options = new SubscribeOptions(capacity, subscription.latest() ? SubscribeOptions.Overflow.LATEST
                    : SubscribeOptions.Overflow.DROP, currentState);
            try {
                session.addFeed(subscription.filter(), new TableFeed(session, subscription, scope.name(),
                        scope.resource().subscribe(request, options), currentState || replay.isPresent(),
                        settings.stallLimit()));
            } catch (ResourceException e) {
                LOG.log(System.Logger.Level.DEBUG, "no feed of {0} for {1}: {2}", scope.name(),
                        subscription.filter(), e.getMessage());
            }
        }
    }
}
