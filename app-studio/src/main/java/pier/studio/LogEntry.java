package pier.studio;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;

import pier.client.LiveMessage;
import pier.client.Payload;

/**
 * A received message made ready for the screen, on the client's thread: decoded once, so the JavaFX thread
 * only adds rows.
 *
 * @param time     arrival, {@code HH:mm:ss.SSS}
 * @param topic    the topic
 * @param retained the RETAIN flag: the topic's current state rather than a change
 * @param qos      the QoS it came at
 * @param payload  the decoded payload
 * @param deletion whether it announces a deletion (user property {@code type: delete})
 * @param properties its MQTT 5 user properties as {@code key=value} pairs, comma separated
 */
record LogEntry(String time, String topic, boolean retained, int qos, Payload payload, boolean deletion,
                String properties) {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    static LogEntry of(LiveMessage message) {
        boolean deletion = message.userProperties().stream()
                .anyMatch(p -> p.getKey().equals("type") && p.getValue().equals("delete"));
        return new LogEntry(LocalTime.ofInstant(message.received(), ZoneId.systemDefault()).format(CLOCK),
                message.topic(), message.retained(), message.qos(), message.decoded(), deletion,
                message.userProperties().stream().map(p -> p.getKey() + "=" + p.getValue())
                        .collect(Collectors.joining(", ")));
    }

    /** One line of the payload, or what the deletion means. */
    String summary() {
        return deletion ? "(deleted)" : payload.summary();
    }

    boolean matches(String filter) {
        return filter.isEmpty() || topic.contains(filter) || payload.text().contains(filter);
    }
}
