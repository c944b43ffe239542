package example.plugin;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import pier.resource.Outgoing;
import pier.resource.Request;
import pier.resource.Resource;
import pier.resource.SubscribeOptions;
import pier.resource.Subscription;

/** One message a second to each subscriber: an event stream, a WebSocket or MQTT topic {@code ticker}. */
public final class Ticker implements Resource {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("ticker").factory());

    @Override
    public Subscription subscribe(Request request, SubscribeOptions options) {
        Outgoing ticks = new Outgoing(options.capacity());
        AtomicLong count = new AtomicLong();
        ScheduledFuture<?> timer = TIMER.scheduleAtFixedRate(() -> ticks.send(JsonNodeFactory.instance.objectNode()
                .put("tick", count.incrementAndGet()).put("time", Instant.now().toString())), 0, 1, TimeUnit.SECONDS);
        ticks.onClose(() -> timer.cancel(false)); // end the timer once the client is gone
        return ticks;
    }
}
