package pier.protocol.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import pier.codec.Codec;
import pier.resource.Content;
import pier.resource.Listing;
import pier.resource.Record;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;

/** A resource of the tests' own: notes in memory, each with a version, honouring If-Match as tables do. */
final class Notes implements Resource {

    private final Codec cbor;
    private final Map<String, Record> notes = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong(1_000);

    Notes(Codec cbor) {
        this.cbor = cbor;
    }

    @Override
    public Record get(Request request) {
        Record note = notes.get(request.requiredId());
        if (note == null) {
            throw ResourceException.notFound("no note " + request.requiredId());
        }
        return note;
    }

    @Override
    public Listing list(Request request) {
        return new Listing(versions.get(), notes.values().stream());
    }

    @Override
    public Record put(Request request) {
        String id = request.requiredId();
        request.condition().ifPresent(condition -> {
            Record current = notes.get(id);
            if (!condition.allows(current == null ? null : current.version())) {
                throw new ResourceException(ResourceException.Kind.PRECONDITION_FAILED, "note " + id
                        + " is not at the version the request names", null, null);
            }
        });
        if (!(request.requiredContent() instanceof Content.Structured(JsonNode value))) {
            throw new ResourceException(ResourceException.Kind.UNSUPPORTED_MEDIA_TYPE, "notes are structured", null,
                    null);
        }
        long version = versions.incrementAndGet();
        Record note = Record.stored(id, version, version, cbor.encode(value), cbor, false);
        notes.put(id, note);
        return note;
    }
}
