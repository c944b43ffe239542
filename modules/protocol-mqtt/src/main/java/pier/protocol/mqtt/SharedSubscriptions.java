package pier.protocol.mqtt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Shared subscriptions ({@code $share/group/filter}, MQTT 5 §4.8.2): each message matching a group's
 * filter goes to one member, in turn, preferring members that are connected.
 */
final class SharedSubscriptions {

    static final String PREFIX = "$share/";

    /** One group: its filter and members, with their subscriptions. */
    static final class Group {
        final String name;
        final String filter;
        final Map<Session, Subscription> members = new LinkedHashMap<>();
        private int next;

        Group(String name, String filter) {
            this.name = name;
            this.filter = filter;
        }

        /** The member whose turn it is: a connected one if any. */
        synchronized Optional<Map.Entry<Session, Subscription>> pick() {
            List<Map.Entry<Session, Subscription>> all = new ArrayList<>(members.entrySet());
            for (int i = 0; i < all.size(); i++) {
                var candidate = all.get((next + i) % all.size());
                if (candidate.getKey().connected()) {
                    next = (next + i + 1) % all.size();
                    return Optional.of(candidate);
                }
            }
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(next++ % all.size()));
        }
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();

    /** The group and filter of {@code $share/group/filter}, or empty when malformed. */
    static Optional<String[]> parse(String shareFilter) {
        String rest = shareFilter.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String group = rest.substring(0, slash);
        String filter = rest.substring(slash + 1);
        if (group.contains("+") || group.contains("#") || !Topics.validFilter(filter)) {
            return Optional.empty();
        }
        return Optional.of(new String[] {group, filter});
    }

    synchronized void add(String group, String filter, Session session, Subscription subscription) {
        Group g = groups.computeIfAbsent(group + '\u0000' + filter, k -> new Group(group, filter));
        synchronized (g) {
            g.members.put(session, subscription);
        }
    }

    synchronized void remove(String group, String filter, Session session) {
        Group g = groups.get(group + '\u0000' + filter);
        if (g != null) {
            synchronized (g) {
                g.members.remove(session);
                if (g.members.isEmpty()) {
                    groups.remove(group + '\u0000' + filter);
                }
            }
        }
    }

    synchronized List<Group> matching(String topic) {
        List<Group> matching = new ArrayList<>();
        for (Group g : groups.values()) {
            if (Topics.matches(g.filter, topic)) {
                matching.add(g);
            }
        }
        return matching;
    }

    synchronized Optional<Group> group(String name, String filter) {
        return Optional.ofNullable(groups.get(name + '\u0000' + filter));
    }
}
