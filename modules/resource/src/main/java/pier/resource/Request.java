package pier.resource;

import java.util.Optional;

import pier.query.Query;

/**
 * One call on a resource, whatever protocol it came from.
 *
 * @param principal who is asking
 * @param id        the record's id within the resource, or empty for the collection (or the resource itself)
 * @param query     the parsed query ({@code ?…}), {@link Query#ALL} when none
 * @param content   what was sent, for writes
 * @param condition a precondition on the current record, for writes
 * @param replay    for a subscription: the changes to replay instead of the current state
 */
public record Request(Principal principal, Optional<String> id, Query query, Optional<Content> content,
                      Optional<Condition> condition, Optional<Replay> replay) {

    /**
     * A call without a replay.
     *
     * @param principal who is asking
     * @param id        the record's id, or empty
     * @param query     the parsed query
     * @param content   what was sent
     * @param condition a precondition on the current record
     */
    public Request(Principal principal, Optional<String> id, Query query, Optional<Content> content,
                   Optional<Condition> condition) {
        this(principal, id, query, content, condition, Optional.empty());
    }

    /**
     * A request without query, content or condition.
     *
     * @param principal who is asking
     * @param id        the record's id, or null for the collection
     * @return the request
     */
    public static Request of(Principal principal, String id) {
        return new Request(principal, Optional.ofNullable(id), Query.ALL, Optional.empty(), Optional.empty());
    }

    /**
     * This request with content.
     *
     * @param content what was sent
     * @return a copy carrying the content
     */
    public Request withContent(Content content) {
        return new Request(principal, id, query, Optional.of(content), condition, replay);
    }

    /**
     * The same call, replaying changes first when subscribing.
     *
     * @param replay what to replay, or empty
     * @return the request
     */
    public Request withReplay(Optional<Replay> replay) {
        return new Request(principal, id, query, content, condition, replay);
    }

    /**
     * This request with a query.
     *
     * @param query the query
     * @return a copy carrying the query
     */
    public Request withQuery(Query query) {
        return new Request(principal, id, query, content, condition, replay);
    }

    /**
     * The id, which the call requires.
     *
     * @return the id
     * @throws ResourceException of kind {@code BAD_REQUEST} when the request addresses the collection
     */
    public String requiredId() {
        return id.orElseThrow(() -> ResourceException.badRequest("this operation needs a record id", null));
    }

    /**
     * The content, which this operation needs.
     *
     * @return the content
     * @throws ResourceException {@code BAD_REQUEST} when there is none
     */
    public Content requiredContent() {
        return content.orElseThrow(() -> ResourceException.badRequest("this operation needs a body", null));
    }
}
