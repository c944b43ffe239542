package pier.security;

import pier.resource.Access;
import pier.resource.Permission;
import pier.resource.Principal;

/**
 * The server's whole policy: the rights on resources that every resource's guard checks, and the
 * rights on plain MQTT topics, which name no resource.
 */
public interface Policy extends Access {

    /** Everything allowed to everyone: for tests and embedded use without users. */
    Policy ALL = new Policy() {
        @Override
        public boolean allows(Principal principal, String resource, Permission permission) {
            return true;
        }

        @Override
        public boolean mayPublish(Principal principal, String clientId, String topic) {
            return true;
        }

        @Override
        public boolean maySubscribe(Principal principal, String clientId, String filter) {
            return true;
        }
    };

    /**
     * Whether a caller may publish to a plain topic (one that is no resource's).
     *
     * @param clientId the MQTT client id, for {@code %c} in a role's topic filters
     */
    boolean mayPublish(Principal principal, String clientId, String topic);

    /**
     * Whether a caller may receive what a plain topic filter matches: a role's filter must cover it
     * ({@code sensors/#} covers {@code sensors/+/temp}), and a topic is a filter without wildcards.
     *
     * @param clientId the MQTT client id, for {@code %c} in a role's topic filters
     */
    boolean maySubscribe(Principal principal, String clientId, String filter);
}
