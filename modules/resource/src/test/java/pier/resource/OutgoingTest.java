package pier.resource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class OutgoingTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void closingWakesAReaderWaitingForTheNextMessage() throws Exception {
        Outgoing outgoing = new Outgoing();
        CompletableFuture<Optional<Event>> waiting = waitFor(outgoing);
        assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS));
        outgoing.close();
        assertThat(waiting.get(5, TimeUnit.SECONDS).isPresent(), is(false));
        assertThat(outgoing.next(WAIT).isPresent(), is(false));
    }

    @Test
    void aFullStreamClosesWithAReason() throws Exception {
        Outgoing outgoing = new Outgoing(2);
        outgoing.send(JsonNodeFactory.instance.numberNode(1));
        outgoing.send(JsonNodeFactory.instance.numberNode(2));
        assertThat(outgoing.isClosed(), is(false));
        outgoing.send(JsonNodeFactory.instance.numberNode(3));
        assertThat(outgoing.isClosed(), is(true));
        assertThat(outgoing.closeReason().orElseThrow(), is("the client fell behind by more than 2 messages"));
    }

    @Test
    void aFollowedSubscriptionFlowsInAndClosesWithTheStream() throws Exception {
        Outgoing source = new Outgoing();
        Outgoing outgoing = new Outgoing();
        outgoing.follow(source);
        source.send(JsonNodeFactory.instance.textNode("from the subscription"));
        outgoing.send(JsonNodeFactory.instance.textNode("sent directly"));
        java.util.Set<String> received = new java.util.HashSet<>();
        for (int i = 0; i < 2; i++) {
            received.add(outgoing.next(WAIT).orElseThrow().record().orElseThrow().value().asText());
        }
        assertThat(received, is(java.util.Set.of("from the subscription", "sent directly")));
        outgoing.close();
        assertThat(source.isClosed(), is(true));
    }

    @Test
    void aSubscriptionEndingWithAnErrorEndsTheStreamWithIt() throws Exception {
        Outgoing source = new Outgoing(1);
        Outgoing outgoing = new Outgoing();
        source.send(JsonNodeFactory.instance.numberNode(1));
        source.send(JsonNodeFactory.instance.numberNode(2)); // overflows: closed with a reason
        outgoing.follow(source);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(WAIT, () -> {
            while (!outgoing.isClosed()) {
                outgoing.next(Duration.ofMillis(50));
            }
        });
        assertThat(outgoing.closeReason().orElseThrow(), is("the client fell behind by more than 1 messages"));
    }

    private static CompletableFuture<Optional<Event>> waitFor(Outgoing outgoing) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return outgoing.next(Duration.ofMinutes(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
