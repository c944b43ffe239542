package pier.resource;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Something addressable by a path, as a REST resource, an MQTT topic, a WebSocket and an event stream.
 * Calls block and run on virtual threads. Each operation a resource does not support answers
 * {@link ResourceException.Kind#METHOD_NOT_ALLOWED}; every failure is a {@link ResourceException}.
 */
public interface Resource {

    /** Describes the resource in the server's list of resources (REST {@code GET /}); empty by default. */
    default JsonNode describe(Request request) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }

    /**
     * Reads one record ({@code GET /T/id}; a missing one is {@code NOT_FOUND}), or, without an id, the
     * resource itself ({@code GET /T}).
     */
    default Record get(Request request) {
        throw ResourceException.methodNotAllowed("get");
    }

    /** Lists the collection, filtered by the request's query ({@code GET /T/}). */
    default Listing list(Request request) {
        throw ResourceException.methodNotAllowed("list");
    }

    /** Replaces (or creates) one record with the request's content ({@code PUT /T/id}). */
    default Record put(Request request) {
        throw ResourceException.methodNotAllowed("put");
    }

    /**
     * Starts a {@link #put} and returns once the write has its place in order, before it is durable:
     * writes one caller starts one after the other are applied in that order, and the future completes
     * when this one is durable (or fails with a {@link ResourceException}). A caller that pipelines its
     * writes, as an MQTT connection does with its retained publishes, keeps reading meanwhile and many
     * of its writes share a commit. A refusal known at once may be thrown instead. The default puts, then
     * answers.
     */
    default CompletableFuture<Record> putAsync(Request request) {
        return CompletableFuture.completedFuture(put(request));
    }

    /** Starts a {@link #delete}, as {@link #putAsync} starts a put. The default deletes, then answers. */
    default CompletableFuture<Void> deleteAsync(Request request) {
        delete(request);
        return CompletableFuture.completedFuture(null);
    }

    /** Replaces or creates every record of an array content in one atomic batch ({@code PUT /T/}). */
    default List<Record> putAll(Request request) {
        throw ResourceException.methodNotAllowed("put of a collection");
    }

    /** Merges the request's content into one record, creating it if missing ({@code PATCH /T/id}). */
    default Record patch(Request request) {
        throw ResourceException.methodNotAllowed("patch");
    }

    /** Creates a record with a generated id ({@code POST /T/}). */
    default Record post(Request request) {
        throw ResourceException.methodNotAllowed("post");
    }

    /** Deletes one record, if it exists ({@code DELETE /T/id}). */
    default void delete(Request request) {
        throw ResourceException.methodNotAllowed("delete");
    }

    /** Deletes every record the query matches ({@code DELETE /T/}); returns how many. */
    default long deleteAll(Request request) {
        throw ResourceException.methodNotAllowed("delete of a collection");
    }

    /** Notifies the record's subscribers of a message without changing the record. */
    default void publish(Request request) {
        throw ResourceException.methodNotAllowed("publish");
    }

    /** Subscribes to one record (an id) or the whole collection (no id). */
    default Subscription subscribe(Request request, SubscribeOptions options) {
        throw ResourceException.methodNotAllowed("subscribe");
    }

    /**
     * Checks, without subscribing, that {@link #connect} would accept the request (its id and query), so
     * that a WebSocket upgrade is refused before it happens rather than opened and closed at once. The
     * default accepts everything; a resource with rules of its own states them here and in {@code connect}.
     *
     * @param request the connection's request
     * @throws ResourceException what {@code connect} would throw for it
     */
    default void checkConnect(Request request) {
    }

    /**
     * A record's history: its changes that the change feed still holds, newest first, each as
     * {@code {"sequence", "version", "time", "type": "put"|"delete"|"expire", "value"}}; {@code limit()} in
     * the request's query pages through them.
     *
     * @param request the record and the query
     * @return the changes
     * @throws ResourceException {@code METHOD_NOT_ALLOWED} when the resource keeps no history
     */
    default Listing history(Request request) {
        throw ResourceException.methodNotAllowed("history");
    }

    /**
     * Stores the bytes of a record's {@code Blob} attribute as they come, replacing what it held.
     *
     * @param request     the record
     * @param attribute   the attribute
     * @param contentType the bytes' media type
     * @param bytes       the bytes, read to their end
     * @return the record as written
     * @throws ResourceException {@code METHOD_NOT_ALLOWED} when the resource keeps no blobs
     */
    default Record putBlob(Request request, String attribute, String contentType, java.io.InputStream bytes) {
        throw ResourceException.methodNotAllowed("blobs");
    }

    /**
     * The bytes of a record's {@code Blob} attribute.
     *
     * @param request   the record
     * @param attribute the attribute
     * @return the blob; close it when done
     * @throws ResourceException {@code NOT_FOUND} when the record or the blob does not exist
     */
    default Blob blob(Request request, String attribute) {
        throw ResourceException.methodNotAllowed("blobs");
    }

    /**
     * Opens a connection: a WebSocket with the client's {@code incoming} messages, a Server-Sent Events
     * stream with {@link Incoming#NONE}. The default returns an {@link Outgoing} that carries the
     * resource's subscription (when it has one) and whatever the caller {@code send}s on it, so an
     * override can start from {@code Resource.super.connect(request, incoming)} and add to it.
     *
     * @param request  the connection's request
     * @param incoming what the client sends
     * @return what is sent to the client
     */
    default Outgoing connect(Request request, Incoming incoming) {
        Outgoing outgoing = new Outgoing();
        try {
            outgoing.follow(subscribe(request, SubscribeOptions.DEFAULT));
        } catch (ResourceException e) {
            if (e.kind() != ResourceException.Kind.METHOD_NOT_ALLOWED) {
                throw e;
            }
            // a resource without a subscription: the stream carries what is sent on it
        }
        return outgoing;
    }
}
