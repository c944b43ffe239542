package pier.query;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A value in a comparison. An untyped value is text from the URL and is compared with each record
 * value in that value's type (a number with {@code 4}, a string with {@code "4"}); a typed value
 * ({@code number:4}, {@code string:4}, {@code boolean:true}, {@code date:…}, {@code null}) is compared
 * only with values of its own type. Numbers and booleans an untyped text can stand for are parsed once.
 */
public final class Value {

    /** What {@link #compareTo} answers when the two values have no order between them. */
    public static final int INCOMPARABLE = Integer.MIN_VALUE;

    private final String text;
    private final JsonNode typed;
    private final JsonNode number;
    private final JsonNode bool;

    private Value(String text, JsonNode typed, JsonNode number, JsonNode bool) {
        this.text = text;
        this.typed = typed;
        this.number = number;
        this.bool = bool;
    }

    /**
     * An untyped value.
     *
     * @param text the text, decoded
     * @return the value
     */
    public static Value untyped(String text) {
        return new Value(text, null, parseNumber(text).orElse(null),
                text.equals("true") || text.equals("false") ? BooleanNode.valueOf(text.equals("true")) : null);
    }

    /**
     * A typed value.
     *
     * @param value a null, boolean, number or string
     * @return the value
     */
    public static Value typed(JsonNode value) {
        return new Value(value.isTextual() ? value.textValue() : value.toString(), value, null, null);
    }

    /**
     * The text as written (for a typed value, its string or JSON text).
     *
     * @return the text
     */
    public String text() {
        return text;
    }

    /**
     * The typed value, when one was given.
     *
     * @return the value
     */
    public Optional<JsonNode> typed() {
        return Optional.ofNullable(typed);
    }

    /**
     * Every value this one can equal loosely: the typed value, or for untyped text the string and,
     * where the text reads as one, the number and the boolean.
     *
     * @return the candidate values, each of one type
     */
    public List<JsonNode> looseForms() {
        if (typed != null) {
            return List.of(typed);
        }
        List<JsonNode> forms = new ArrayList<>(3);
        forms.add(TextNode.valueOf(text));
        if (number != null) {
            forms.add(number);
        }
        if (bool != null) {
            forms.add(bool);
        }
        return forms;
    }

    /**
     * The value strict operators compare with: the typed value, or the text as a string.
     *
     * @return the value
     */
    public JsonNode strictForm() {
        return typed != null ? typed : TextNode.valueOf(text);
    }

    /**
     * Orders a record value against this one, in the record value's type for untyped text.
     *
     * @param actual the record's value
     * @return negative, zero or positive as {@code actual} is below, equal to or above this value,
     *         or {@link #INCOMPARABLE}
     */
    public int compareTo(JsonNode actual) {
        if (typed != null) {
            return compareSameType(actual, typed);
        }
        if (actual.isNumber()) {
            return number == null ? INCOMPARABLE : Integer.signum(ValueOrder.compareNumbers(actual, number));
        }
        if (actual.isTextual()) {
            return Integer.signum(ValueOrder.compareStrings(actual.textValue(), text));
        }
        if (actual.isBoolean()) {
            return bool == null ? INCOMPARABLE : Boolean.compare(actual.booleanValue(), bool.booleanValue());
        }
        return INCOMPARABLE;
    }

    /**
     * Loose equality: as {@link #compareTo}, and a typed null also equals a missing value.
     *
     * @param actual the record's value
     * @return whether they are equal
     */
    public boolean looselyEquals(JsonNode actual) {
        if (typed != null && typed.isNull()) {
            return actual.isNull() || actual.isMissingNode();
        }
        return compareTo(actual) == 0;
    }

    /**
     * Strict equality: same type and value; untyped text is a string.
     *
     * @param actual the record's value
     * @return whether they are equal
     */
    public boolean strictlyEquals(JsonNode actual) {
        if (typed == null) {
            return actual.isTextual() && actual.textValue().equals(text);
        }
        return typed.isNull() ? actual.isNull() : compareSameType(actual, typed) == 0;
    }

    /**
     * The string that string operators ({@code =sw= =ew= =ct=}) look for.
     *
     * @return the text, or empty for a typed value that is not a string
     */
    public Optional<String> string() {
        return typed == null || typed.isTextual() ? Optional.of(text) : Optional.empty();
    }

    // string() without an Optional, for evaluation on every record
    String searched() {
        return typed == null || typed.isTextual() ? text : null;
    }

    static Optional<JsonNode> parseNumber(String text) {
        if (text.isEmpty() || !(Character.isDigit(text.charAt(0)) || text.charAt(0) == '-')) {
            return Optional.empty();
        }
        try {
            BigDecimal decimal = new BigDecimal(text);
            if (decimal.scale() <= 0 && decimal.precision() - decimal.scale() <= 18) {
                return Optional.of(JsonNodeFactory.instance.numberNode(decimal.longValueExact()));
            }
            double d = decimal.doubleValue();
            return Double.isInfinite(d) ? Optional.empty() : Optional.of(JsonNodeFactory.instance.numberNode(d));
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    private static int compareSameType(JsonNode actual, JsonNode expected) {
        if (actual.isNumber() && expected.isNumber()) {
            return Integer.signum(ValueOrder.compareNumbers(actual, expected));
        }
        if (actual.isTextual() && expected.isTextual()) {
            return Integer.signum(ValueOrder.compareStrings(actual.textValue(), expected.textValue()));
        }
        if (actual.isBoolean() && expected.isBoolean()) {
            return Boolean.compare(actual.booleanValue(), expected.booleanValue());
        }
        return INCOMPARABLE;
    }

    @Override
    public String toString() {
        return typed == null ? text : typed.toString();
    }

    /**
     * A value as a query spells it: {@code null}, a typed {@code string:}, {@code number:},
     * {@code boolean:} or {@code date:} value, or untyped text that compares as the attribute's type.
     *
     * @param text     the value, percent-decoded
     * @param position where it starts in the query, for errors
     * @return the value
     * @throws QueryException when a typed value is not of its type
     */
    static Value parse(String text, int position) {
        int start = position;
        if (text.equals("null")) {
            return Value.typed(NullNode.getInstance());
        }
        int colon = text.indexOf(':');
        String type = colon < 0 ? "" : text.substring(0, colon);
        String rest = colon < 0 ? text : text.substring(colon + 1);
        return switch (type) {
            case "string" -> Value.typed(TextNode.valueOf(rest));
            case "number" -> Value.typed(Value.parseNumber(rest).orElseThrow(() -> new QueryException(
                    "'" + rest + "' is not a number", start)));
            case "boolean" -> {
                if (!rest.equals("true") && !rest.equals("false")) {
                    throw new QueryException("'" + rest + "' is not a boolean; expected true or false", start);
                }
                yield Value.typed(BooleanNode.valueOf(rest.equals("true")));
            }
            case "date" -> Value.typed(date(rest, start));
            default -> Value.untyped(text);
        };
    }

    // dates are compared as milliseconds since the epoch, as @createdTime and @updatedTime store them
    private static JsonNode date(String text, int start) {
        try {
            if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
                return JsonNodeFactory.instance.numberNode(Long.parseLong(text));
            }
            if (text.length() == 10) {
                return millis(LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                return millis(OffsetDateTime.parse(text).toInstant());
            }
            return millis(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException | NumberFormatException e) {
            throw new QueryException("'" + text + "' is not a date; expected e.g. 2024-05-01 or "
                    + "2024-05-01T12:00:00Z or milliseconds since the epoch", start);
        }
    }

    private static JsonNode millis(Instant instant) {
        return JsonNodeFactory.instance.numberNode(instant.toEpochMilli());
    }
}
