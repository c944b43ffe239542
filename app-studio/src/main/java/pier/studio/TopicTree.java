package pier.studio;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javafx.collections.ObservableList;
import javafx.scene.control.TreeItem;

import pier.client.LiveMessage;

/**
 * The topics seen, as a tree of their levels ({@code plant/line1/temp} under {@code line1} under {@code
 * plant}), children in name order: each level with the messages on it and below it, their rate, and a
 * topic's newest message. Changed on the JavaFX thread only, by the changes {@link TopicCounts} hands
 * over; a change costs the depth of its topic, whatever the size of the tree.
 */
final class TopicTree {

    /** One level. */
    static final class Node {
        final String name;
        final String topic;
        long total;        // messages on this topic and below it
        long own;          // messages on this very topic
        long rate;         // messages per second on it and below, over the last second
        LiveMessage last;  // the newest message on this very topic
        private long totalASecondAgo;
        private LiveMessage summarized;
        private String summary = "";

        Node(String name, String topic) {
            this.name = name;
            this.topic = topic;
        }

        /** The newest message in one line, decoded once per message. */
        String summary() {
            if (last != summarized) {
                summarized = last;
                summary = last == null ? "" : last.payload().length == 0 ? "(empty)" : last.decoded().summary();
            }
            return summary;
        }

        boolean retained() {
            return last != null && last.retained();
        }
    }

    private final TreeItem<Node> root = new TreeItem<>(new Node("", ""));
    private final Map<String, TreeItem<Node>> items = new HashMap<>();
    private final Set<Node> active = new HashSet<>();
    private String filter = "";

    TreeItem<Node> root() {
        return root;
    }

    /** The level of a topic, if it was seen. */
    TreeItem<Node> item(String topic) {
        return items.get(topic);
    }

    /** Keeps only topics containing {@code text}, built again from every topic counted. */
    void filter(String text, List<TopicCounts.Change> every) {
        filter = text;
        root.getChildren().clear();
        root.getValue().total = 0;
        items.clear();
        active.clear();
        every.forEach(this::apply);
    }

    void apply(TopicCounts.Change change) {
        if (!change.topic().contains(filter)) {
            return;
        }
        TreeItem<Node> item = itemFor(change.topic());
        Node node = item.getValue();
        long added = change.count() - node.own;
        node.own = change.count();
        node.last = change.last();
        for (TreeItem<Node> level = item; level != null; level = level.getParent()) {
            level.getValue().total += added;
            active.add(level.getValue());
        }
    }

    /** Once a second: the rate of every level that moved lately. */
    void second() {
        active.removeIf(node -> {
            node.rate = node.total - node.totalASecondAgo;
            node.totalASecondAgo = node.total;
            return node.rate == 0;
        });
    }

    private TreeItem<Node> itemFor(String topic) {
        TreeItem<Node> item = items.get(topic);
        if (item != null) {
            return item;
        }
        int slash = topic.lastIndexOf('/');
        TreeItem<Node> parent = slash < 0 ? root : itemFor(topic.substring(0, slash));
        item = new TreeItem<>(new Node(topic.substring(slash + 1), topic));
        insertSorted(parent.getChildren(), item);
        items.put(topic, item);
        return item;
    }

    private static void insertSorted(ObservableList<TreeItem<Node>> children, TreeItem<Node> item) {
        int low = 0;
        int high = children.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (children.get(middle).getValue().name.compareTo(item.getValue().name) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        children.add(low, item);
    }
}
