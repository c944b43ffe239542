package pier.protocol.http;

import java.util.concurrent.atomic.AtomicLong;

import pier.resource.ResourceException;

/**
 * The memory all request bodies being read or held may take together, across every connection: a body
 * reserves its bytes before they are read and gives them back when its request ends. A reservation the
 * budget cannot cover is a 503 at once, so forty unfinished 16 MiB uploads cannot exhaust the heap.
 */
final class BodyBudget {

    private final long limit;
    private final AtomicLong reserved = new AtomicLong();

    /** @param limit the bytes all bodies in flight may hold together */
    BodyBudget(long limit) {
        this.limit = limit;
    }

    /** A quarter of the heap: what bodies may hold while the store, caches and queues have the rest. */
    static BodyBudget ofHeap() {
        return new BodyBudget(Runtime.getRuntime().maxMemory() / 4);
    }

    /**
     * Reserves bytes for a body.
     *
     * @throws ResourceException {@code UNAVAILABLE} when the bodies in flight hold the budget already
     */
    void reserve(long bytes) {
        if (reserved.addAndGet(bytes) > limit) {
            reserved.addAndGet(-bytes);
            throw new ResourceException(ResourceException.Kind.UNAVAILABLE, "too many request bodies in flight: "
                    + "try again shortly", null, null);
        }
    }

    void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    /** What bodies in flight hold now, for metrics and tests. */
    long reserved() {
        return reserved.get();
    }
}
