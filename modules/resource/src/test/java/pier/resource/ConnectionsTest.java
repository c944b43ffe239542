package pier.resource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import pier.query.Query;

class ConnectionsTest {

    private static final Principal ALICE = new Principal("alice", false);

    private final Connections connections = new Connections();
    private final Resource resource = connections.resource();

    @Test
    void aSubscriberGetsTheCurrentConnectionsThenOpeningsChangesAndEnds() throws Exception {
        Connection first = connections.open(Connections.MQTT, ALICE, "/10.0.0.1:5000", Optional.of("sensor-1"));
        try (Subscription watching = resource.subscribe(Request.of(ALICE, null), SubscribeOptions.DEFAULT)) {
            Event state = next(watching);
            assertThat(state.record().orElseThrow().value().get("clientId").asText(), is("sensor-1"));
            assertThat(next(watching), instanceOf(Event.Synced.class));

            Connection second = connections.open(Connections.SSE, ALICE, "/10.0.0.2:6000", Optional.empty());
            assertThat(next(watching).record().orElseThrow().value().get("protocol").asText(), is("sse"));

            first.subscribed(List.of("Dog/#", "alerts/+"));
            assertThat(next(watching).record().orElseThrow().value().get("subscriptions").toString(),
                    is("[\"Dog/#\",\"alerts/+\"]"));

            first.will("status/sensor-1", 1, true, 0);
            first.close("connection lost", true);
            first.close("closed again", false); // counts once
            var last = next(watching).record().orElseThrow().value();
            assertThat(last.get("disconnected").asText(), is("connection lost"));
            assertThat(last.get("willDue").asBoolean(), is(true));
            Event gone = next(watching);
            assertThat(gone, instanceOf(Event.Delete.class));
            assertThat(gone.id(), is(first.id()));
            assertThat(((Event.Delete) gone).reason(), is(Event.Reason.DELETED));
            assertThat(watching.next(Duration.ofMillis(50)).isPresent(), is(false));
            second.close("client closed", false);
        }
    }

    @Test
    void aQuerySubscriberSeesOnlyWhatMatchesAndLearnsWhatLeaves() throws Exception {
        Connection mqtt = connections.open(Connections.MQTT, ALICE, "/10.0.0.1:5000", Optional.of("c1"));
        Request request = Request.of(ALICE, null).withQuery(Query.parse("subscriptions=Dog%2F%23"));
        try (Subscription watching = resource.subscribe(request, SubscribeOptions.DEFAULT)) {
            assertThat(next(watching), instanceOf(Event.Synced.class));
            connections.open(Connections.WEBSOCKET, ALICE, "/10.0.0.3:7000", Optional.empty());
            mqtt.subscribed(List.of("Dog/#"));
            assertThat(next(watching).id(), is(mqtt.id()));
            mqtt.unsubscribed(List.of("Dog/#"));
            Event left = next(watching);
            assertThat(((Event.Delete) left).reason(), is(Event.Reason.LEFT));
            assertThat(watching.next(Duration.ofMillis(50)).isPresent(), is(false));
        }
    }

    @Test
    void aSubscriberThatLosesTheRightIsClosedWithTheReason() throws Exception {
        java.util.List<Runnable> listeners = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean allowed = new java.util.concurrent.atomic.AtomicBoolean(true);
        Access access = new Access() {
            @Override
            public boolean allows(Principal principal, String resource, Permission permission) {
                return allowed.get();
            }

            @Override
            public void onChange(Runnable listener) {
                listeners.add(listener);
            }
        };
        connections.enforce(access);
        try (Subscription watching = resource.subscribe(Request.of(ALICE, null), SubscribeOptions.DEFAULT)) {
            assertThat(next(watching), instanceOf(Event.Synced.class));
            listeners.forEach(Runnable::run);
            assertThat(watching.isClosed(), is(false));
            allowed.set(false);
            listeners.forEach(Runnable::run);
            assertThat(watching.isClosed(), is(true));
            assertThat(watching.closeReason().orElseThrow(), is("alice may no longer read $connections"));
        }
    }

    @Test
    void listingAndCountersCoverLiveAndEndedConnections() {
        Connection a = connections.open(Connections.MQTT, ALICE, "/a", Optional.of("a"));
        Connection b = connections.open(Connections.MQTT, ALICE, "/b", Optional.of("b"));
        connections.open(Connections.WEBSOCKET, ALICE, "/c", Optional.empty());
        a.received(100);
        a.sent(40);
        b.received(1);
        a.close("client closed", false);

        ProtocolStats mqtt = connections.stats(Connections.MQTT);
        assertThat(List.of(mqtt.connections(), mqtt.opened(), mqtt.messagesIn(), mqtt.bytesIn(), mqtt.messagesOut()),
                contains(1L, 2L, 2L, 101L, 1L));
        var listed = resource.list(Request.of(ALICE, null).withQuery(Query.parse("protocol=mqtt"))).records()
                .map(Record::id).toList();
        assertThat(listed, contains(b.id()));
        assertThat(resource.get(Request.of(ALICE, b.id())).value().get("clientId").asText(), is("b"));
        assertThat(resource.get(Request.of(ALICE, null)).value().at("/protocols/websocket/connections").asLong(),
                is(1L));
    }

    private static Event next(Subscription subscription) throws InterruptedException {
        return subscription.next(Duration.ofSeconds(5)).orElseThrow();
    }
}
