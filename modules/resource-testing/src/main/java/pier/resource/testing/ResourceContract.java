package pier.resource.testing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import pier.resource.Content;
import pier.resource.Event;
import pier.resource.Outgoing;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.ResourceException;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

/**
 * What every {@link Resource} does, whatever it serves: tables and the resources of plugins pass the same
 * checks. Whatever it refuses, it refuses with a {@link ResourceException} (which every protocol can
 * answer), never another exception; its streams end when closed, at once; a message published to it reaches its subscribers in
 * the order it was published.
 */
public abstract class ResourceContract {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Principal CALLER = new Principal("contract", true);

    /** @return the resource under test, fresh for each test */
    protected abstract Resource resource();

    /** @return an id the resource accepts for a record (or a topic) of its own */
    protected String id() {
        return "contract-1";
    }

    private Request request(String id) {
        return Request.of(CALLER, id);
    }

    private Request message(int n) {
        return request(id()).withContent(new Content.Structured(JsonNodeFactory.instance.objectNode().put("n", n)));
    }

    @Test
    void describesItselfAsAJsonValue() {
        assertThat(resource().describe(request(null)), notNullValue());
    }

    @Test
    void everyVerbAnswersOrRefusesWithAResourceException() {
        Resource resource = resource();
        List<Consumer<Resource>> verbs = List.of(
                r -> r.get(request(id())), r -> r.get(request(null)), r -> r.list(request(null)).records().close(),
                r -> r.put(request(id())), r -> r.patch(request(id())), r -> r.post(request(null)),
                r -> r.putAll(request(null)), r -> r.delete(request("contract-missing")), r -> r.publish(request(id())));
        for (Consumer<Resource> verb : verbs) {
            try {
                verb.accept(resource);
            } catch (RuntimeException e) {
                assertThat("a refusal every protocol can answer: " + e, e, instanceOf(ResourceException.class));
            }
        }
    }

    @Test
    void aClosedSubscriptionEndsAtOnce() throws InterruptedException {
        Subscription subscription = subscribeOrSkip(resource());
        AtomicInteger heard = new AtomicInteger();
        subscription.onClose(heard::incrementAndGet);
        subscription.close();
        assertThat(subscription.isClosed(), is(true));
        long started = System.nanoTime();
        while (subscription.next(WAIT).isPresent()) {
            // what was queued before the close may still come
        }
        assertThat("next() returns at once after the close", System.nanoTime() - started < WAIT.toNanos(), is(true));
        assertThat("onClose listeners run once", heard.get(), is(1));
    }

    @Test
    void aConnectionIsAStreamThatEndsWhenClosed() throws InterruptedException {
        Outgoing outgoing = resource().connect(request(id()), pier.resource.Incoming.NONE);
        outgoing.close();
        assertThat(outgoing.isClosed(), is(true));
        while (outgoing.next(WAIT).isPresent()) {
            // what was queued before the close may still come
        }
        assertThat(outgoing.closeReason().isEmpty(), is(true));
    }

    @Test
    void publishedMessagesReachASubscriberInOrder() throws InterruptedException {
        Resource resource = resource();
        try (Subscription subscription = subscribeOrSkip(resource)) {
            try {
                resource.publish(message(1));
            } catch (ResourceException e) {
                Assumptions.assumeTrue(e.kind() != ResourceException.Kind.METHOD_NOT_ALLOWED, "no publish");
                throw e;
            }
            for (int n = 2; n <= 5; n++) {
                resource.publish(message(n));
            }
            for (int n = 1; n <= 5; n++) {
                Event.Message received = nextMessage(subscription);
                assertThat(received.value().value().get("n").asInt(), is(n));
            }
        }
    }

    private Event.Message nextMessage(Subscription subscription) throws InterruptedException {
        while (true) {
            Optional<Event> next = subscription.next(WAIT);
            if (next.isEmpty()) {
                throw new AssertionError("no message within " + WAIT);
            }
            if (next.get() instanceof Event.Message message) {
                return message;
            }
        }
    }

    private Subscription subscribeOrSkip(Resource resource) {
        try {
            return resource.subscribe(request(id()), SubscribeOptions.DEFAULT);
        } catch (ResourceException e) {
            Assumptions.assumeTrue(e.kind() != ResourceException.Kind.METHOD_NOT_ALLOWED, "no subscriptions");
            throw e;
        }
    }
}
