package pier.engine;

/**
 * Whether a role's MQTT topic filter covers what a client asks for: a topic to publish to, or a filter
 * to subscribe with. A topic is a filter without wildcards, so one rule serves both: level by level,
 * {@code #} covers the rest, {@code +} covers any one level but a {@code #}, and a name covers only
 * itself. As in MQTT, a pattern starting with a wildcard does not cover {@code $} topics.
 */
final class TopicPatterns {

    private TopicPatterns() {
    }

    static boolean covers(String pattern, String filter) {
        if (filter.startsWith("$") && (pattern.startsWith("+") || pattern.startsWith("#"))) {
            return false;
        }
        String[] patternLevels = pattern.split("/", -1);
        String[] filterLevels = filter.split("/", -1);
        for (int i = 0; i < patternLevels.length; i++) {
            String level = patternLevels[i];
            if (level.equals("#")) {
                return true;
            }
            if (i >= filterLevels.length) {
                return false;
            }
            String wanted = filterLevels[i];
            if (level.equals("+") ? wanted.equals("#") : !level.equals(wanted)) {
                return false;
            }
        }
        return patternLevels.length == filterLevels.length;
    }

    /** The pattern with {@code %u} replaced by the user name and {@code %c} by the client id. */
    static String expand(String pattern, String user, String clientId) {
        return pattern.replace("%u", user).replace("%c", clientId);
    }
}
