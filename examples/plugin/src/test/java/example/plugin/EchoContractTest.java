package example.plugin;

import pier.resource.Resource;
import pier.resource.testing.ResourceContract;

/** {@code /echo} keeps the contract every resource keeps, as tables do. */
class EchoContractTest extends ResourceContract {

    @Override
    protected Resource resource() {
        return new Echo();
    }
}
