package example.plugin;

import pier.resource.Resource;
import pier.resource.testing.ResourceContract;

/** {@code /ticker} keeps the contract every resource keeps, as tables do. */
class TickerContractTest extends ResourceContract {

    @Override
    protected Resource resource() {
        return new Ticker();
    }
}
