package pier.engine;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import pier.codec.DateNode;

/** The forms a client may give a {@code Date} in, read as one. */
final class Dates {

    private Dates() {
    }

    /**
     * The date a value stands for: a date already (CBOR, MessagePack), ISO-8601 text (a day, or a time
     * with Z or an offset) or whole milliseconds since 1970.
     */
    static Optional<DateNode> of(JsonNode value) {
        if (value instanceof DateNode date) {
            return Optional.of(date);
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return Optional.of(DateNode.ofEpochMilli(value.longValue()));
        }
        if (!value.isTextual()) {
            return Optional.empty();
        }
        String text = value.textValue();
        try {
            Instant instant = text.length() == 10 ? LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC)
                    : OffsetDateTime.parse(text).toInstant();
            return Optional.of(DateNode.of(instant));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
