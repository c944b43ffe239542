package pier.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import pier.resource.Event;
import pier.resource.Principal;
import pier.resource.Request;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;

class SubscriptionTest extends DogTableTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aRecordSubscriptionGetsTheCurrentRecordThenSyncedThenEveryChange() throws Exception {
        dogs.put(write("1", dog("Rex", 3)));
        try (Subscription subscription = dogs.subscribe(Request.of(Principal.ANONYMOUS, "1"), SubscribeOptions.DEFAULT)) {
            Event current = subscription.next(WAIT).orElseThrow();
            assertThat(current, instanceOf(Event.Put.class));
            assertThat(current.record().orElseThrow().value().get("age").asInt(), is(3));
            Event synced = subscription.next(WAIT).orElseThrow();
            assertThat(synced, instanceOf(Event.Synced.class));
            assertThat(synced.sequence(), is(current.sequence()));
            dogs.patch(write("1", NODES.objectNode().put("age", 4)));
            dogs.put(write("2", dog("Other", 1)));
            dogs.delete(Request.of(Principal.ANONYMOUS, "1"));
            dogs.publish(write("1", NODES.objectNode().put("hello", "there")));
            Event patched = subscription.next(WAIT).orElseThrow();
            assertThat(patched.record().orElseThrow().value().get("name").asText(), is("Rex"));
            assertThat(patched.record().orElseThrow().value().get("age").asInt(), is(4));
            assertThat(subscription.next(WAIT).orElseThrow(), instanceOf(Event.Delete.class));
            Event message = subscription.next(WAIT).orElseThrow();
            assertThat(message, instanceOf(Event.Message.class));
            assertThat(message.record().orElseThrow().value().get("hello").asText(), is("there"));
        }
    }

    @Test
    void closingWakesAReaderWaitingForTheNextEvent() throws Exception {
        Subscription subscription = dogs.subscribe(Request.of(Principal.ANONYMOUS, "quiet"), SubscribeOptions.DEFAULT);
        assertThat(subscription.next(WAIT).orElseThrow(), instanceOf(Event.Synced.class));
        CompletableFuture<java.util.Optional<Event>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return subscription.next(Duration.ofMinutes(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        org.awaitility.Awaitility.await().during(Duration.ofMillis(200)).until(() -> !waiting.isDone());
        subscription.close();
        assertThat(waiting.get(5, java.util.concurrent.TimeUnit.SECONDS).isPresent(), is(false));
        assertThat(subscription.next(WAIT).isPresent(), is(false));
    }

    @Test
    void aMissingRecordSendsOnlySyncedUntilItExists() throws Exception {
        try (Subscription subscription = dogs.subscribe(Request.of(Principal.ANONYMOUS, "later"),
                SubscribeOptions.DEFAULT)) {
            assertThat(subscription.next(WAIT).orElseThrow(), instanceOf(Event.Synced.class));
            assertThat(subscription.next(Duration.ofMillis(100)).isPresent(), is(false));
            dogs.put(write("later", dog("Late", 1)));
            assertThat(subscription.next(WAIT).orElseThrow().id(), is("later"));
        }
    }

    @Test
    void aTableSubscriptionSeesEveryRecordThenChangesInCommitOrder() throws Exception {
        dogs.put(write("a", dog("A", 1)));
        dogs.put(write("b", dog("B", 2)));
        try (Subscription subscription = dogs.subscribe(Request.of(Principal.ANONYMOUS, null),
                SubscribeOptions.DEFAULT)) {
            assertThat(List.of(subscription.next(WAIT).orElseThrow().id(), subscription.next(WAIT).orElseThrow().id()),
                    contains("a", "b"));
            long position = subscription.next(WAIT).orElseThrow().sequence();
            try (ExecutorService writers = Executors.newFixedThreadPool(8)) {
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    int writer = w;
                    done.add(CompletableFuture.runAsync(() -> {
                        for (int i = 0; i < 25; i++) {
                            dogs.put(write("w" + writer + "-" + i, dog("W", i)));
                        }
                    }, writers));
                }
                done.forEach(CompletableFuture::join);
            }
            long previous = position;
            for (int i = 0; i < 200; i++) {
                Event event = subscription.next(WAIT).orElseThrow();
                assertThat(event.sequence(), is(previous + 1));
                previous = event.sequence();
            }
        }
    }

    @Test
    void aSubscriberThatFallsBehindIsClosedWithAReasonAndNeverBlocksTheWriter() throws Exception {
        try (Subscription subscription = dogs.subscribe(Request.of(Principal.ANONYMOUS, "1"),
                new SubscribeOptions(4, SubscribeOptions.Overflow.CLOSE, true))) {
            for (int i = 0; i < 10; i++) {
                dogs.put(write("1", dog("Rex", i)));
            }
            // the writer is answered before the fan-out thread has offered its changes
            org.awaitility.Awaitility.await().atMost(WAIT).until(subscription::isClosed);
            assertThat(subscription.closeReason().orElseThrow(), containsString("fell behind"));
        }
    }

    @Test
    void theDropPolicyDeliversAGapMarkerCountingWhatWasDropped() throws Exception {
        try (Subscription subscription = dogs.subscribe(Request.of(Principal.ANONYMOUS, "1"),
                new SubscribeOptions(4, SubscribeOptions.Overflow.DROP, true))) {
            assertThat(subscription.next(WAIT).orElseThrow(), instanceOf(Event.Synced.class));
            for (int i = 0; i < 10; i++) {
                dogs.put(write("1", dog("Rex", i)));
            }
            db.database.fanout().delivered().get();
            List<Event> seen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                seen.add(subscription.next(WAIT).orElseThrow());
            }
            dogs.put(write("1", dog("Rex", 99)));
            dogs.put(write("1", dog("Rex", 100)));
            Event gap = subscription.next(WAIT).orElseThrow();
            assertThat(gap, instanceOf(Event.Gap.class));
            assertThat(((Event.Gap) gap).dropped(), is(6L));
            assertThat(subscription.next(WAIT).orElseThrow().record().orElseThrow().value().get("age").asInt(), is(99));
            assertThat(seen.stream().map(e -> e.record().orElseThrow().value().get("age").asInt()).toList(),
                    contains(0, 1, 2, 3));
        }
    }

    @Test
    void oneChangeIsOneEventObjectForEverySubscriber() throws Exception {
        try (Subscription first = dogs.subscribe(Request.of(Principal.ANONYMOUS, "1"), SubscribeOptions.DEFAULT);
             Subscription second = dogs.subscribe(Request.of(Principal.ANONYMOUS, null), SubscribeOptions.DEFAULT)) {
            first.next(WAIT);
            second.next(WAIT);
            dogs.put(write("1", dog("Rex", 1)));
            Event a = first.next(WAIT).orElseThrow();
            Event b = second.next(WAIT).orElseThrow();
            // the same record object: its encodings are computed once for all subscribers
            assertThat(a.record().orElseThrow() == b.record().orElseThrow(), is(true));
        }
    }

    @Test
    void aLiveQuerySendsWhatEntersChangesInsideAndLeavesTheMatch() throws Exception {
        dogs.put(write("old", dog("Old", 9)));
        dogs.put(write("young", dog("Young", 1)));
        Request live = Request.of(Principal.ANONYMOUS, null).withQuery(pier.query.Query.parse("age=gt=3"));
        try (Subscription subscription = dogs.subscribe(live, SubscribeOptions.DEFAULT)) {
            assertThat(subscription.next(WAIT).orElseThrow().id(), is("old"));
            assertThat(subscription.next(WAIT).orElseThrow(), instanceOf(Event.Synced.class));
            dogs.put(write("young", dog("Young", 1)));       // outside, stays outside: nothing
            dogs.put(write("new", dog("New", 5)));            // enters
            dogs.put(write("old", dog("Old", 10)));           // changes inside
            dogs.put(write("old", dog("Old", 2)));            // leaves
            dogs.publish(write("young", dog("Hi", 0)));      // a message outside: nothing
            dogs.publish(write("new", dog("Hi", 0)));        // a message inside
            dogs.delete(Request.of(Principal.ANONYMOUS, "young"));
            dogs.delete(Request.of(Principal.ANONYMOUS, "new")); // deleted inside
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Event event = subscription.next(WAIT).orElseThrow();
                seen.add(switch (event) {
                    case Event.Delete delete -> delete.reason() + " " + delete.id();
                    default -> event.getClass().getSimpleName() + " " + event.id();
                });
            }
            assertThat(seen, contains("Put new", "Put old", "LEFT old", "Message new", "DELETED new"));
            assertThat(subscription.next(Duration.ofMillis(200)).isPresent(), is(false));
        }
    }

    @Test
    void aLiveQueryIsOnACollectionAndTakesAConditionOnly() {
        for (var request : List.of(Request.of(Principal.ANONYMOUS, "1").withQuery(pier.query.Query.parse("age=1")),
                Request.of(Principal.ANONYMOUS, null).withQuery(pier.query.Query.parse("age=1&limit(3)")))) {
            pier.resource.ResourceException e = org.junit.jupiter.api.Assertions.assertThrows(
                    pier.resource.ResourceException.class, () -> dogs.subscribe(request, SubscribeOptions.DEFAULT));
            assertThat(e.kind(), is(pier.resource.ResourceException.Kind.BAD_REQUEST));
        }
    }

    @Test
    void aSubscriberThatHoldsDeliveryUpDoesNotHoldUpCommits() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        QueueSubscription stuck = new QueueSubscription(SubscribeOptions.DEFAULT, 0,
                java.util.Collections.emptyIterator(), s -> { }, event -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    delivered.add(event.record().orElseThrow().value().get("name").asText());
                    return event;
                });
        db.database.fanout().add("Dog", "1", stuck);
        CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
            dogs.put(write("1", dog("Rex", 3)));
            dogs.put(write("1", dog("Max", 4)));
        });
        try {
            writes.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS); // fails while delivery is held
            assertThat(dogs.get(Request.of(Principal.ANONYMOUS, "1")).value().get("name").asText(), is("Max"));
        } finally {
            release.countDown();
        }
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> delivered.size() == 2);
        assertThat(delivered, contains("Rex", "Max"));
    }
}
