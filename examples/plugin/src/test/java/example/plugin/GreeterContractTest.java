package example.plugin;

import pier.resource.Resource;
import pier.resource.testing.ResourceContract;

/** {@code /greeter} keeps the contract every resource keeps, as tables do. */
class GreeterContractTest extends ResourceContract {

    @Override
    protected Resource resource() {
        return new Greeter();
    }
}
