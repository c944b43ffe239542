package example.plugin;

import pier.resource.Resource;
import pier.resource.testing.ResourceContract;

/** {@code /time} keeps the contract every resource keeps, as tables do. */
class TimeContractTest extends ResourceContract {

    @Override
    protected Resource resource() {
        return new Time();
    }

    @Override
    protected String id() {
        return "UTC"; // a time zone
    }
}
