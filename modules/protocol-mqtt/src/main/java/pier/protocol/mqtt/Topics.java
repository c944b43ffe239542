package pier.protocol.mqtt;

/** Topic names and filters (MQTT 5 §4.7): validation and matching. */
final class Topics {

    private Topics() {
    }

    /** A topic name: not empty, no wildcards, no NUL. */
    static boolean validName(String topic) {
        return !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0 && topic.indexOf('\0') < 0;
    }

    /** A topic filter: '+' fills a whole level, '#' only the whole last level. */
    static boolean validFilter(String filter) {
        if (filter.isEmpty() || filter.indexOf('\0') >= 0) {
            return false;
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return false;
            }
            if (level.contains("+") && !level.equals("+")) {
                return false;
            }
        }
        return true;
    }

    /** Whether a filter matches a topic; a filter starting with a wildcard never matches a {@code $} topic. */
    static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        int f = 0;
        int t = 0;
        while (true) {
            int fEnd = end(filter, f);
            String level = filter.substring(f, fEnd);
            if (level.equals("#")) {
                return true;
            }
            if (t > topic.length()) {
                return false;
            }
            int tEnd = end(topic, t);
            if (!level.equals("+") && !level.equals(topic.substring(t, tEnd))) {
                return false;
            }
            boolean filterDone = fEnd == filter.length();
            boolean topicDone = tEnd == topic.length();
            if (filterDone || topicDone) {
                // "a/#" also matches "a"
                return filterDone && topicDone || topicDone && filter.startsWith("#", fEnd + 1)
                        && fEnd + 2 == filter.length();
            }
            f = fEnd + 1;
            t = tEnd + 1;
        }
    }

    private static int end(String text, int from) {
        int slash = text.indexOf('/', from);
        return slash < 0 ? text.length() : slash;
    }
}
