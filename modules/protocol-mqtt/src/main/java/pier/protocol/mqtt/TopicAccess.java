package pier.protocol.mqtt;

import java.util.List;

import pier.resource.Permission;
import pier.resource.Principal;

/**
 * What a subscription's filter may reach for a client: plain topics, when one of its roles' topic
 * grants covers the filter (a filter that names a resource reaches no plain topic), and the resources
 * (tables) it may read.
 */
final class TopicAccess {

    /** The answer: plain topics, resources, or both. */
    record Reach(boolean plainTopics, boolean resources) {
        boolean any() {
            return plainTopics || resources;
        }
    }

    private TopicAccess() {
    }

    static Reach reach(TableTopics tables, Principal principal, String clientId, String filter) {
        String inner = filter.startsWith(SharedSubscriptions.PREFIX)
                ? SharedSubscriptions.parse(filter).map(share -> share[1]).orElse(filter) : filter;
        List<TableTopics.Scope> scopes = tables.scopes(inner);
        boolean namesResource = !inner.startsWith("+") && !inner.startsWith("#") && !scopes.isEmpty();
        boolean readable = scopes.stream().anyMatch(scope -> tables.access().allows(principal, scope.name(),
                Permission.READ));
        return new Reach(!namesResource && tables.access().maySubscribe(principal, clientId, inner), readable);
    }
}
