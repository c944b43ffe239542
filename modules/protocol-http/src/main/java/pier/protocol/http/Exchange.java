package pier.protocol.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import pier.codec.Codec;
import pier.codec.CodecRegistry;
import pier.codec.CollectionWriter;
import pier.query.Query;
import pier.resource.Condition;
import pier.resource.Content;
import pier.resource.Principal;
import pier.resource.Record;
import pier.resource.Request;
import pier.resource.ResourceException;

/** One HTTP request and its response: reads content and conditions, negotiates, and writes results. */
final class Exchange {

    // a body that takes longer than this to arrive (one byte a second) is cut off: its socket is closed
    private static final java.time.Duration BODY_DEADLINE = java.time.Duration.ofSeconds(30);

    private final ServerRequest request;
    private final ServerResponse response;
    private final Target target;
    private final CodecRegistry codecs;
    private final int maxBodyBytes;
    private final BodyBudget budget;
    private long reserved;
    private Query query;
    private StreamParameters stream = StreamParameters.NONE;
    private boolean history;
    private String blob;

    Exchange(ServerRequest request, ServerResponse response, Target target, CodecRegistry codecs, int maxBodyBytes,
             BodyBudget budget) {
        this.request = request;
        this.response = response;
        this.target = target;
        this.codecs = codecs;
        this.maxBodyBytes = maxBodyBytes;
        this.budget = budget;
    }

    /** Gives back what the body reserved of the budget; the request is over. */
    void release() {
        budget.release(reserved);
        reserved = 0;
    }

    ServerRequest request() {
        return request;
    }

    ServerResponse response() {
        return response;
    }

    Method method() {
        return request.prologue().method();
    }

    /** The resource call this request makes. */
    Request resourceRequest(Principal principal) {
        // a blob's bytes are not the request's content: they are read as a stream, by the upload
        return new Request(principal, target.id(), query(), blob().isPresent() ? Optional.empty() : content(),
                condition(), stream.replay());
    }

    /**
     * The parsed query; checked before the body is read, so a bad query costs no upload. An event stream's
     * parameters (see {@link StreamParameters}) and a record's {@code history} are not part of it.
     */
    Query query() {
        if (query == null) {
            String raw = request.query().rawValue();
            if (EventStream.wanted(request)) {
                stream = StreamParameters.parse(raw);
                raw = stream.query();
            } else if (target.kind() == Target.Kind.RECORD && (raw.equals("history") || raw.startsWith("history&"))) {
                history = true;
                raw = raw.substring("history".length()).replaceFirst("^&", "");
            } else if (target.kind() == Target.Kind.RECORD && raw.startsWith("blob=")) {
                blob = pier.query.PercentDecoding.decode(raw.substring("blob=".length()));
                raw = "";
            }
            query = Query.parse(raw);
        }
        return query;
    }

    /** An event stream's parameters. */
    StreamParameters streamParameters() {
        query();
        return stream;
    }

    /** The Blob attribute a request reads or writes ({@code ?blob=photo}), if any. */
    Optional<String> blob() {
        query();
        return Optional.ofNullable(blob);
    }

    /** Whether a record's history is asked for ({@code ?history}, with {@code limit()} to page). */
    boolean history() {
        query();
        return history;
    }

    /** The codec for the response: a suffix wins over {@code Accept}. */
    Codec responseCodec() {
        if (target.forcedFormat().isPresent()) {
            return codecs.forContentType(target.forcedFormat().get()).orElseThrow(() -> new ResourceException(
                    ResourceException.Kind.NOT_ACCEPTABLE, "format " + target.forcedFormat().get()
                    + " is not installed", null, null));
        }
        return codecs.negotiate(String.join(", ", request.headers().all(HeaderNames.ACCEPT, java.util.List::of)));
    }

    void sendRecord(Record record) {
        // a computed answer (version 0) has no version to tag
        String etag = record.version() == 0 ? null : record.etag();
        if (record.opaqueContent().isPresent()) {
            Content.Opaque opaque = record.opaqueContent().get();
            // the bytes as they were written, to be saved, never shown on this origin (SafeResponses)
            response.header(HeaderNames.CONTENT_DISPOSITION, "attachment");
            send(Status.OK_200, opaque.contentType(), opaque.data(), etag);
            return;
        }
        Codec codec = responseCodec();
        byte[] body = query().selection().isEmpty() ? record.encoded(codec) : codec.encode(query().project(record.value()));
        send(Status.OK_200, codec.mediaType(), body, etag);
    }

    void sendValue(Status status, JsonNode value) {
        Codec codec = responseCodec();
        send(status, codec.mediaType(), codec.encode(value), null);
    }

    void sendCollection(long position, Stream<Record> records) {
        Codec codec = responseCodec();
        String etag = "W/" + Record.etagOf(position);
        if (notModified(etag)) {
            records.close();
            return;
        }
        response.status(Status.OK_200).header(HeaderNames.CONTENT_TYPE, codec.mediaType()).header(HeaderNames.ETAG, etag)
                .header(HeaderNames.VARY, "Accept");
        if (method() == Method.HEAD) {
            records.close();
            response.send();
            return;
        }
        try (records; OutputStream out = response.outputStream();
             CollectionWriter writer = codec.collectionWriter(out, CollectionWriter.UNKNOWN_COUNT)) {
            Query selecting = query();
            records.forEach(record -> writer.write(selecting.project(record.value())));
        } catch (IOException | UncheckedIOException | io.helidon.webserver.ServerConnectionException e) {
            throw new ClientGone(e);
        }
    }

    void sendNoContent(Record written) {
        response.status(Status.NO_CONTENT_204).header(HeaderNames.ETAG, written.etag()).send();
    }

    void sendStatus(Status status) {
        response.status(status).send();
    }

    void sendCreated(Record created) {
        response.header(HeaderNames.LOCATION, created.id());
        Codec codec = responseCodec();
        JsonNode id = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(created.id());
        send(Status.CREATED_201, codec.mediaType(), codec.encode(id), created.etag());
    }

    private void send(Status status, String contentType, byte[] body, String etag) {
        if (etag != null) {
            if (notModified(etag)) {
                return;
            }
            response.header(HeaderNames.ETAG, etag);
        }
        response.status(status).header(HeaderNames.CONTENT_TYPE, contentType).header(HeaderNames.VARY, "Accept");
        if (method() == Method.HEAD) {
            response.header(HeaderNames.CONTENT_LENGTH, Integer.toString(body.length)).send();
        } else {
            response.send(body);
        }
    }

    private boolean notModified(String etag) {
        Optional<String> ifNoneMatch = request.headers().first(HeaderNames.IF_NONE_MATCH);
        if ((method() == Method.GET || method() == Method.HEAD) && ifNoneMatch.isPresent()
                && tags(ifNoneMatch.get()).stream().anyMatch(tag -> tag.equals("*") || weak(tag).equals(weak(etag)))) {
            response.status(Status.NOT_MODIFIED_304).header(HeaderNames.ETAG, etag).send();
            return true;
        }
        return false;
    }

    private Optional<Condition> condition() {
        return request.headers().first(HeaderNames.IF_MATCH).map(header -> {
            Set<String> tags = tags(header);
            if (tags.contains("*")) {
                return new Condition(true, Set.of());
            }
            Set<Long> versions = new HashSet<>();
            for (String tag : tags) {
                // If-Match compares strongly: weak tags never match
                if (tag.startsWith("\"") && tag.endsWith("\"") && tag.length() > 2) {
                    try {
                        versions.add(Long.parseLong(tag.substring(1, tag.length() - 1), 36));
                    } catch (NumberFormatException e) {
                        // a tag we never issued matches nothing
                    }
                }
            }
            return new Condition(false, versions);
        });
    }

    private Optional<Content> content() {
        if (!request.content().hasEntity()) {
            return Optional.empty();
        }
        byte[] body = readBody();
        Optional<String> contentType = request.headers().first(HeaderNames.CONTENT_TYPE);
        Codec codec = contentType.isEmpty() ? codecs.json() : codecs.forContentType(contentType.get()).orElse(null);
        if (codec == null) {
            return Optional.of(new Content.Opaque(contentType.get(), body));
        }
        if (!codec.decodes()) {
            throw new ResourceException(ResourceException.Kind.UNSUPPORTED_MEDIA_TYPE, codec.mediaType()
                    + (codec.readsRows() ? " is read by a collection's import (PUT /T/) only" : " is an output format")
                    + "; send a record as application/json, application/cbor or application/x-msgpack", null, null);
        }
        return Optional.of(new Content.Structured(codec.decode(body)));
    }

    private byte[] readBody() {
        long announced = request.headers().contentLength().orElse(-1);
        if (announced > maxBodyBytes) {
            // refused from its header, before a byte of it is read (and before any 100 Continue)
            response.header(HeaderNames.CONNECTION, "close");
            throw tooLarge();
        }
        // a body of unknown length reserves the most it may be; what is refused was never reserved
        long needed = announced >= 0 ? announced : maxBodyBytes + 1L;
        budget.reserve(needed);
        reserved = needed;
        try (StalledSocket deadline = new StalledSocket(); InputStream in = request.content().inputStream()) {
            deadline.interruptAfter(BODY_DEADLINE);
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ResourceException resourceException) {
                throw resourceException;
            }
            // a chunk size that is not hex, or does not fit: the framing of what follows is unknown
            response.header(HeaderNames.CONNECTION, "close");
            throw new ResourceException(ResourceException.Kind.BAD_REQUEST, "the body could not be read: "
                    + e.getMessage(), null, e);
        }
    }

    private ResourceException tooLarge() {
        return new ResourceException(ResourceException.Kind.TOO_LARGE, "the body exceeds the limit of " + maxBodyBytes
                + " bytes", null, null);
    }

    private static Set<String> tags(String header) {
        return new HashSet<>(Arrays.stream(header.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList());
    }

    private static String weak(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
