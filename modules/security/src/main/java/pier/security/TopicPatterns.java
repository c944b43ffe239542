package pier.security;

/**
 * Whether a role's MQTT topic filter covers what a client asks for: a topic to publish to, or a filter
 * to subscribe with. A topic is a filter without wildcards, so one rule serves both: level by level,
 * {@code #} covers the rest, {@code +} covers any one level but a {@code #}, and a name covers only
 * itself. As in MQTT, a pattern starting with a wildcard does not cover {@code $} topics.
 *
 * <p>{@code %u} (the user name) and {@code %c} (the client id) in a level stand for their value as a
 * literal name: never as a wildcard, never as more than one level. A value that holds {@code + # /} or
 * NUL could only be read as one of those, so a level that substitutes it covers nothing.
 */
final class TopicPatterns {

    private static final String NOT_LITERAL = "+#/\0";

    private TopicPatterns() {
    }

    static boolean covers(String pattern, String filter) {
        return covers(pattern, filter, "", "");
    }

    static boolean covers(String pattern, String filter, String user, String clientId) {
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
            boolean covered = level.equals("+") ? !wanted.equals("#")
                    : substitutes(level) ? literal(level, user, clientId).equals(wanted) : level.equals(wanted);
            if (!covered) {
                return false;
            }
        }
        return patternLevels.length == filterLevels.length;
    }

    private static boolean substitutes(String level) {
        return level.contains("%u") || level.contains("%c");
    }

    // the level with its variables replaced; a value that is not a literal name makes it match nothing
    private static String literal(String level, String user, String clientId) {
        if (level.contains("%u") && !literal(user) || level.contains("%c") && !literal(clientId)) {
            return "\0";
        }
        return level.replace("%u", user).replace("%c", clientId);
    }

    private static boolean literal(String value) {
        return !value.isEmpty() && value.chars().noneMatch(c -> NOT_LITERAL.indexOf(c) >= 0);
    }
}
