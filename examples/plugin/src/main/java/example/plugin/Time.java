package example.plugin;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import pier.resource.Content;
import pier.resource.Record;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;

/** A computed REST resource: {@code GET /time} is the server's clock, {@code GET /time/<zone>} it in that zone. */
public final class Time implements Resource {

    @Override
    public Record get(Request request) {
        ZonedDateTime now;
        try {
            now = ZonedDateTime.now(request.id().map(ZoneId::of).orElse(ZoneId.systemDefault()));
        } catch (DateTimeException e) {
            throw ResourceException.notFound("no time zone " + request.id().orElseThrow());
        }
        return Record.message("time", new Content.Structured(JsonNodeFactory.instance.objectNode()
                .put("now", now.toString()).put("zone", now.getZone().getId())
                .put("epochMillis", now.toInstant().toEpochMilli())));
    }
}
