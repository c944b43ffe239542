package pier.protocol.mqtt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Every session's subscriptions, as a tree of topic levels, so that matching a topic visits only the
 * branches its levels, {@code +} and {@code #} lead to.
 */
final class SubscriptionTree {

    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        final Map<Session, Subscription> subscribers = new HashMap<>();
    }

    private final Node root = new Node();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    void add(Session session, Subscription subscription) {
        lock.writeLock().lock();
        try {
            Node node = root;
            for (String level : subscription.filter().split("/", -1)) {
                node = node.children.computeIfAbsent(level, l -> new Node());
            }
            node.subscribers.put(session, subscription);
        } finally {
            lock.writeLock().unlock();
        }
    }

    void remove(Session session, String filter) {
        lock.writeLock().lock();
        try {
            Node node = root;
            for (String level : filter.split("/", -1)) {
                node = node.children.get(level);
                if (node == null) {
                    return;
                }
            }
            node.subscribers.remove(session);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The subscriptions that match a topic, grouped by session (a session may match several times). */
    Map<Session, List<Subscription>> match(String topic) {
        Map<Session, List<Subscription>> matches = new HashMap<>();
        String[] levels = topic.split("/", -1);
        lock.readLock().lock();
        try {
            collect(root, levels, 0, topic.startsWith("$"), matches);
        } finally {
            lock.readLock().unlock();
        }
        return matches;
    }

    private static void collect(Node node, String[] levels, int depth, boolean system,
                                Map<Session, List<Subscription>> matches) {
        boolean first = depth == 0;
        Node all = node.children.get("#");
        if (all != null && !(first && system)) {
            all.subscribers.forEach((s, sub) -> matches.computeIfAbsent(s, k -> new ArrayList<>(2)).add(sub));
        }
        if (depth == levels.length) {
            node.subscribers.forEach((s, sub) -> matches.computeIfAbsent(s, k -> new ArrayList<>(2)).add(sub));
            return;
        }
        Node exact = node.children.get(levels[depth]);
        if (exact != null) {
            collect(exact, levels, depth + 1, system, matches);
        }
        Node one = node.children.get("+");
        if (one != null && !(first && system)) {
            collect(one, levels, depth + 1, system, matches);
        }
    }
}
