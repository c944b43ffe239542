package pier.protocol.http;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import pier.codec.CodecException;
import pier.codec.CodecRegistry;
import pier.query.QueryException;
import pier.resource.Connection;
import pier.resource.Connections;
import pier.resource.Permission;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.ResourceRegistry;
import pier.security.UserQuota;

/**
 * The REST interface: {@code /} lists the resources, {@code /T} describes one, {@code /T/} is its
 * collection and {@code /T/id} a record. Every call becomes a {@link Resource} call; every failure
 * becomes an {@code application/problem+json} answer.
 */
public final class RestService implements HttpService {

    private static final System.Logger LOG = System.getLogger(RestService.class.getName());
    private static final String RECORD_METHODS = "GET, HEAD, PUT, PATCH, DELETE, OPTIONS";
    private static final String COLLECTION_METHODS = "GET, HEAD, PUT, POST, DELETE, OPTIONS";
    private static final String READ_METHODS = "GET, HEAD, OPTIONS";

    private final ResourceRegistry resources;
    private final CodecRegistry codecs;
    private final Logins logins;
    private final UserQuota quota;
    private final Connections connections;
    private final int maxBodyBytes;
    private final java.time.Duration keepAlive;
    private final BodyBudget bodies = BodyBudget.ofHeap();

    /**
     * Creates the service.
     *
     * @param resources     what is served
     * @param codecs        the formats
     * @param logins        who a request comes from (Basic, bearer token, session cookie)
     * @param quota         how many event streams one user may hold open
     * @param connections   where each event stream is shown while it lasts
     * @param maxBodyBytes  the largest request body accepted
     * @param keepAlive     how long an event stream may stay silent before a keep-alive comment
     */
    public RestService(ResourceRegistry resources, CodecRegistry codecs, Logins logins, UserQuota quota,
                       Connections connections, int maxBodyBytes, java.time.Duration keepAlive) {
        this.connections = connections;
        this.resources = resources;
        this.codecs = codecs;
        this.logins = logins;
        this.quota = quota;
        this.maxBodyBytes = maxBodyBytes;
        this.keepAlive = keepAlive;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::handle);
    }

    private void handle(ServerRequest request, ServerResponse response) {
        if (request.path().rawPath().startsWith("/observe")) {
            response.next();
            return;
        }
        try {
            answer(request, response);
        } catch (ClientGone | io.helidon.webserver.ServerConnectionException e) {
            // the client went away, or its socket was closed under a body that would not come: one debug line
            LOG.log(System.Logger.Level.DEBUG, "{0} {1}: the client went away: {2}", request.prologue().method(),
                    request.path().rawPath(), e.toString());
        }
    }

    private void answer(ServerRequest request, ServerResponse response) {
        Target target;
        try {
            target = Target.parse(request.path().rawPath());
        } catch (ResourceException e) {
            Problem.of(e).send(response);
            return;
        }
        Exchange exchange = new Exchange(request, response, target, codecs, maxBodyBytes, bodies);
        try {
            serve(exchange, target);
        } catch (ResourceException e) {
            if (e.kind() == ResourceException.Kind.METHOD_NOT_ALLOWED) {
                response.header(HeaderNames.ALLOW, allowed(target));
            }
            Problem.of(e).send(response);
        } catch (QueryException e) {
            Problem.of(e).send(response);
        } catch (CodecException e) {
            Problem.of(e).send(response);
        } catch (io.helidon.http.HttpException e) {
            // Helidon's own parsing of what the request carries (an Accept that is no media type list)
            if (e.status().code() >= 500) {
                throw e;
            }
            Problem.of(e.status().code(), e.getMessage()).send(response);
        } catch (ClientGone | io.helidon.webserver.ServerConnectionException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "failed " + exchange.method() + " " + request.path().rawPath(), e);
            if (!response.isSent()) {
                Problem.of(500, "internal error: " + e.getClass().getSimpleName()).send(response);
            }
        } finally {
            exchange.release();
        }
    }

    private void serve(Exchange exchange, Target target) {
        if (exchange.method() == Method.OPTIONS) {
            exchange.response().header(HeaderNames.ALLOW, allowed(target)).status(Status.NO_CONTENT_204).send();
            return;
        }
        Principal principal = authenticate(exchange.request());
        refuseQuery(exchange, target);
        requireSomeWriteRight(principal, target, exchange.method());
        Optional<pier.codec.Codec> rows = exchange.request().headers().first(HeaderNames.CONTENT_TYPE)
                .flatMap(codecs::forContentType).filter(pier.codec.Codec::readsRows);
        if (target.kind() == Target.Kind.COLLECTION && exchange.method() == Method.PUT && rows.isPresent()) {
            importRows(exchange, target, principal, rows.get());
            return;
        }
        dispatch(exchange, target, exchange.resourceRequest(principal));
    }

    /**
     * A body is read only for a caller who could write with it: one with none of the rights its method may
     * need is refused from the headers, before its upload costs memory and time. Which right applies (a PUT
     * that inserts or updates) the table decides inside the write.
     */
    private void requireSomeWriteRight(Principal principal, Target target, Method method) {
        if (target.kind() == Target.Kind.ROOT || !(method == Method.PUT || method == Method.PATCH
                || method == Method.POST) || resources.find(target.resource()).isEmpty()) {
            return; // no body to read, or a 404 to come
        }
        boolean post = method == Method.POST;
        if (!resources.access().allows(principal, target.resource(), Permission.INSERT)
                && (post || !resources.access().allows(principal, target.resource(), Permission.UPDATE))) {
            // the refusal a resource would give (401 for the anonymous caller, 403 for a user)
            resources.access().require(principal, target.resource(), post ? Permission.INSERT : Permission.UPDATE);
        }
    }

    // streamed, so the body limit is a line's, not the body's
    private void importRows(Exchange exchange, Target target, Principal principal, pier.codec.Codec rows) {
        Resource resource = resources.find(target.resource()).orElseThrow(() -> ResourceException.notFound(
                "no resource /" + target.resource()));
        long imported = new CollectionImport(resource, principal, rows, maxBodyBytes)
                .run(exchange.request().content().inputStream());
        exchange.sendValue(Status.OK_200, JsonNodeFactory.instance.objectNode().put("imported", imported));
    }

    private void dispatch(Exchange exchange, Target target, Request request) {
        Method method = exchange.method();
        if (target.kind() == Target.Kind.ROOT) {
            requireRead(method);
            ArrayNode list = JsonNodeFactory.instance.arrayNode();
            for (String name : resources.names()) {
                // the listing shows what the caller may read
                if (!resources.access().allows(request.principal(), name, Permission.READ)) {
                    continue;
                }
                JsonNode description = resources.find(name).orElseThrow().describe(request);
                list.add(description.isObject() ? ((ObjectNode) description.deepCopy()).put("path", "/" + name + "/")
                        : description);
            }
            exchange.sendValue(Status.OK_200, list);
            return;
        }
        Resource resource = resources.find(target.resource()).orElseThrow(() -> ResourceException.notFound(
                "no resource /" + target.resource()));
        switch (target.kind()) {
            case RESOURCE -> {
                requireRead(method);
                if (method == Method.GET && EventStream.wanted(exchange.request())) {
                    stream(resource, exchange, request);
                } else {
                    exchange.sendRecord(resource.get(request));
                }
            }
            case COLLECTION -> collection(exchange, resource, request, method);
            default -> record(exchange, resource, request, method);
        }
    }

    private void collection(Exchange exchange, Resource resource, Request request, Method method) {
        if (method == Method.GET && EventStream.wanted(exchange.request())) {
            stream(resource, exchange, request);
        } else if (method == Method.GET || method == Method.HEAD) {
            var listing = resource.list(request);
            exchange.sendCollection(listing.position(), listing.records());
        } else if (method == Method.PUT) {
            resource.putAll(request);
            exchange.sendStatus(Status.NO_CONTENT_204);
        } else if (method == Method.POST) {
            exchange.sendCreated(resource.post(request));
        } else if (method == Method.DELETE) {
            resource.deleteAll(request);
            exchange.sendValue(Status.OK_200, JsonNodeFactory.instance.booleanNode(true));
        } else {
            throw ResourceException.methodNotAllowed(method.text() + " on a collection");
        }
    }

    private void record(Exchange exchange, Resource resource, Request request, Method method) {
        if (method == Method.GET && EventStream.wanted(exchange.request())) {
            stream(resource, exchange, request);
        } else if (exchange.blob().isPresent()) {
            blob(exchange, resource, request, method, exchange.blob().get());
        } else if ((method == Method.GET || method == Method.HEAD) && exchange.history()) {
            var changes = resource.history(request);
            exchange.sendCollection(changes.position(), changes.records());
        } else if (method == Method.GET || method == Method.HEAD) {
            exchange.sendRecord(resource.get(request));
        } else if (method == Method.PUT) {
            exchange.sendNoContent(resource.put(request));
        } else if (method == Method.PATCH) {
            exchange.sendNoContent(resource.patch(request));
        } else if (method == Method.DELETE) {
            resource.delete(request);
            exchange.sendValue(Status.OK_200, JsonNodeFactory.instance.booleanNode(true));
        } else {
            throw ResourceException.methodNotAllowed(method.text() + " on a record");
        }
    }

    // a blob goes in and out a chunk at a time: the request's body is read as a stream, never whole
    private static void blob(Exchange exchange, Resource resource, Request request, Method method, String attribute) {
        if (method == Method.PUT) {
            String type = exchange.request().headers().contentType().map(t -> t.text())
                    .orElse("application/octet-stream");
            exchange.sendNoContent(resource.putBlob(request, attribute, type,
                    exchange.request().content().inputStream()));
        } else if (method == Method.GET || method == Method.HEAD) {
            try (pier.resource.Blob blob = resource.blob(request, attribute)) {
                ServerResponse response = exchange.response();
                response.header(HeaderNames.CONTENT_TYPE, blob.contentType()).contentLength(blob.size());
                if (method == Method.HEAD) {
                    response.send();
                    return;
                }
                try (java.io.OutputStream out = response.outputStream()) {
                    for (var chunks = blob.chunks().iterator(); chunks.hasNext(); ) {
                        out.write(chunks.next());
                    }
                } catch (java.io.IOException e) {
                    throw new ClientGone(e);
                }
            }
        } else {
            throw ResourceException.methodNotAllowed(method.text() + " on a blob");
        }
    }

    /** An event stream, counted against the user's connections and shown in $connections while it lasts. */
    private void stream(Resource resource, Exchange exchange, Request request) {
        Runnable release = quota.openConnection(request.principal());
        ServerRequest http = exchange.request();
        Connection presence = connections.open(Connections.SSE, request.principal(),
                String.valueOf(http.remotePeer().address()), Optional.empty());
        String query = http.query().rawValue();
        presence.subscribed(List.of(http.path().rawPath() + (query.isEmpty() ? "" : "?" + query)));
        try {
            EventStream.stream(resource, http, request, exchange.streamParameters(), exchange.response(), keepAlive,
                    presence);
        } finally {
            release.run();
            presence.close("the stream ended", false);
        }
    }

    private Principal authenticate(ServerRequest request) {
        return logins.authenticate(request.headers(), Logins.client(request.remotePeer()));
    }


    // only reads of collections and records, and deletes of collections, take a query
    private static void refuseQuery(Exchange exchange, Target target) {
        Method method = exchange.method();
        boolean read = method == Method.GET || method == Method.HEAD;
        boolean takesQuery = target.kind() == Target.Kind.COLLECTION && (read || method == Method.DELETE)
                || target.kind() == Target.Kind.RECORD && read;
        if (!takesQuery && !exchange.query().isEmpty()) {
            throw ResourceException.badRequest(method.text() + " " + switch (target.kind()) {
                case ROOT -> "/";
                case RESOURCE -> "of a resource";
                case COLLECTION -> "of a collection";
                case RECORD -> "of a record";
            } + " takes no query", "query");
        }
    }

    private static void requireRead(Method method) {
        if (method != Method.GET && method != Method.HEAD) {
            throw ResourceException.methodNotAllowed(method.text());
        }
    }

    private static String allowed(Target target) {
        return switch (target.kind()) {
            case ROOT, RESOURCE -> READ_METHODS;
            case COLLECTION -> COLLECTION_METHODS;
            case RECORD -> RECORD_METHODS;
        };
    }
}
