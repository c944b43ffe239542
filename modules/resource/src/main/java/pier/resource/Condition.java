package pier.resource;

import java.util.Set;

/**
 * A precondition on a write (HTTP {@code If-Match}): the current record must exist and, unless
 * {@code anyVersion}, have one of the given versions.
 *
 * @param anyVersion true for {@code If-Match: *}
 * @param versions   the acceptable versions
 */
public record Condition(boolean anyVersion, Set<Long> versions) {

    /**
     * Whether a record's current state satisfies the condition.
     *
     * @param current the current record's version, or null when there is none
     * @return true when the write may proceed
     */
    public boolean allows(Long current) {
        return current != null && (anyVersion || versions.contains(current));
    }
}
