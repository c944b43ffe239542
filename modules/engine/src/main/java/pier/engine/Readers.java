package pier.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import pier.resource.Access;
import pier.resource.Permission;
import pier.resource.Principal;

/**
 * The open subscriptions and who holds them. After any change of users or roles each is checked again,
 * and one whose subscriber may no longer read its table is closed with the reason; between changes a
 * delivery costs no check at all.
 */
final class Readers {

    private record Reader(Principal principal, String table) {
    }

    private final Map<QueueSubscription, Reader> open = new ConcurrentHashMap<>();
    private volatile Access access = Access.ALL;

    /** Starts checking against {@code checked}, again after each of its changes. */
    void enforce(Access checked) {
        access = checked;
        checked.onChange(this::recheck);
    }

    Access access() {
        return access;
    }

    void watch(QueueSubscription subscription, Principal principal, String table) {
        open.put(subscription, new Reader(principal, table));
        subscription.onClose(() -> open.remove(subscription));
    }

    private void recheck() {
        open.forEach((subscription, reader) -> {
            if (!access.allows(reader.principal(), reader.table(), Permission.READ)) {
                subscription.revoke(reader.principal().name() + " may no longer read " + reader.table());
            }
        });
    }
}
