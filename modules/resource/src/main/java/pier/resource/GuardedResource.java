package pier.resource;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A resource behind the access check, as the registry hands it to every protocol: reading needs
 * {@link Permission#READ}, creating {@code INSERT}, changing {@code UPDATE}, deleting {@code DELETE}. A
 * PUT or PATCH may create or change, so here it needs one of the two; a table, which knows whether the
 * record exists, then requires the right one (inside the write, so no race decides it).
 */
final class GuardedResource implements Resource {

    private final String name;
    private final Resource resource;
    private final Access access;

    GuardedResource(String name, Resource resource, Access access) {
        this.name = name;
        this.resource = resource;
        this.access = access;
    }

    @Override
    public JsonNode describe(Request request) {
        require(request, Permission.READ);
        return resource.describe(request);
    }

    @Override
    public Record get(Request request) {
        require(request, Permission.READ);
        return resource.get(request);
    }

    @Override
    public Listing list(Request request) {
        require(request, Permission.READ);
        return resource.list(request);
    }

    @Override
    public Record putBlob(Request request, String attribute, String contentType, java.io.InputStream bytes) {
        require(request, Permission.UPDATE);
        return resource.putBlob(request, attribute, contentType, bytes);
    }

    @Override
    public Blob blob(Request request, String attribute) {
        require(request, Permission.READ);
        return resource.blob(request, attribute);
    }

    @Override
    public Listing history(Request request) {
        require(request, Permission.READ);
        return resource.history(request);
    }

    @Override
    public Record put(Request request) {
        requireInsertOrUpdate(request);
        return resource.put(request);
    }

    @Override
    public CompletableFuture<Record> putAsync(Request request) {
        requireInsertOrUpdate(request);
        return resource.putAsync(request);
    }

    @Override
    public CompletableFuture<Void> deleteAsync(Request request) {
        require(request, Permission.DELETE);
        return resource.deleteAsync(request);
    }

    @Override
    public List<Record> putAll(Request request) {
        requireInsertOrUpdate(request);
        return resource.putAll(request);
    }

    @Override
    public Record patch(Request request) {
        requireInsertOrUpdate(request);
        return resource.patch(request);
    }

    @Override
    public Record post(Request request) {
        require(request, Permission.INSERT);
        return resource.post(request);
    }

    @Override
    public void delete(Request request) {
        require(request, Permission.DELETE);
        resource.delete(request);
    }

    @Override
    public long deleteAll(Request request) {
        require(request, Permission.DELETE);
        return resource.deleteAll(request);
    }

    @Override
    public void publish(Request request) {
        require(request, Permission.UPDATE);
        resource.publish(request);
    }

    @Override
    public Subscription subscribe(Request request, SubscribeOptions options) {
        require(request, Permission.READ);
        return resource.subscribe(request, options);
    }

    @Override
    public void checkConnect(Request request) {
        require(request, Permission.READ);
        resource.checkConnect(request);
    }

    @Override
    public Outgoing connect(Request request, Incoming incoming) {
        require(request, Permission.READ);
        // the resource's default connect subscribes and publishes through itself, not through this guard:
        // messages the client sends are checked here
        return resource.connect(request, new GuardedIncoming(incoming, () -> access.allows(request.principal(),
                name, Permission.UPDATE)));
    }

    private void require(Request request, Permission permission) {
        access.require(request.principal(), name, permission);
    }

    private void requireInsertOrUpdate(Request request) {
        if (!access.allows(request.principal(), name, Permission.INSERT)) {
            require(request, Permission.UPDATE);
        }
    }
}
