package example.plugin;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import pier.resource.Incoming;
import pier.resource.Outgoing;
import pier.resource.Request;
import pier.resource.Resource;

/** The reference's timer example: a greeting once a second, and every message echoed, until the client leaves. */
public final class Greeter implements Resource {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor();

    @Override
    public Outgoing connect(Request request, Incoming incoming) {
        Outgoing outgoing = Resource.super.connect(request, incoming);
        ScheduledFuture<?> timer = TIMER.scheduleAtFixedRate(() -> outgoing.send(JsonNodeFactory.instance.objectNode()
                .put("greeting", "hi again!")), 1, 1, TimeUnit.SECONDS); // send a message once a second
        incoming.onMessage(outgoing::send); // another way of echo-ing the data back to the client
        outgoing.onClose(() -> timer.cancel(false)); // end the timer once the connection is closed
        return outgoing;
    }
}
