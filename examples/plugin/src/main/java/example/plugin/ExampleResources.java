package example.plugin;

import java.util.Map;

import pier.resource.Resource;
import pier.resource.spi.ResourceProvider;

/** The resources of this module, by path: {@code /echo}, {@code /greeter}, {@code /ticker} and {@code /time}. */
public final class ExampleResources implements ResourceProvider {

    @Override
    public Map<String, Resource> resources() {
        return Map.of("echo", new Echo(), "greeter", new Greeter(), "ticker", new Ticker(), "time", new Time());
    }
}
