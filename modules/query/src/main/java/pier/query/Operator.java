package pier.query;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The comparison operators. On an array attribute a positive operator matches when any element
 * matches, and a negative one ({@code =ne=}, {@code !==}) when no element equals the value.
 * Every comparison with a missing attribute is false, except the negative ones, which are true.
 */
public enum Operator {
    /** {@code =}, {@code ==}: equal, in the record value's type. */
    EQUAL("=="),
    /** {@code =ne=}, {@code !=}: not {@link #EQUAL}. */
    NOT_EQUAL("=ne="),
    /** {@code ===}: equal in type and value. */
    STRICT_EQUAL("==="),
    /** {@code !==}: not {@link #STRICT_EQUAL}. */
    STRICT_NOT_EQUAL("!=="),
    /** {@code =gt=}. */
    GREATER("=gt="),
    /** {@code =ge=}. */
    GREATER_OR_EQUAL("=ge="),
    /** {@code =lt=}. */
    LESS("=lt="),
    /** {@code =le=}. */
    LESS_OR_EQUAL("=le="),
    /** {@code =sw=}, or {@code ==} with a trailing {@code *}: a string that starts with the value. */
    STARTS_WITH("=sw="),
    /** {@code =ew=}: a string that ends with the value. */
    ENDS_WITH("=ew="),
    /** {@code =ct=}: a string that contains the value. */
    CONTAINS("=ct=");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    /**
     * How the operator is written.
     *
     * @return its symbol
     */
    public String symbol() {
        return symbol;
    }

    /**
     * Whether a record value satisfies {@code value <this> operand}.
     *
     * @param actual  the record's value, a {@code MissingNode} when absent
     * @param operand the query's value
     * @return whether it matches
     */
    public boolean test(JsonNode actual, Value operand) {
        return switch (this) {
            case NOT_EQUAL -> !EQUAL.test(actual, operand);
            case STRICT_NOT_EQUAL -> !STRICT_EQUAL.test(actual, operand);
            default -> actual.isArray() ? anyElement(actual, operand) : testOne(actual, operand);
        };
    }

    private boolean anyElement(JsonNode array, Value operand) {
        for (int i = 0; i < array.size(); i++) {
            if (testOne(array.get(i), operand)) {
                return true;
            }
        }
        return false;
    }

    private boolean testOne(JsonNode actual, Value operand) {
        return switch (this) {
            case EQUAL -> operand.looselyEquals(actual);
            case STRICT_EQUAL -> operand.strictlyEquals(actual);
            case GREATER -> ordered(operand.compareTo(actual), 1, 1);
            case GREATER_OR_EQUAL -> ordered(operand.compareTo(actual), 0, 1);
            case LESS -> ordered(operand.compareTo(actual), -1, -1);
            case LESS_OR_EQUAL -> ordered(operand.compareTo(actual), -1, 0);
            case STARTS_WITH -> actual.isTextual() && operand.searched() != null && actual.textValue().startsWith(operand.searched());
            case ENDS_WITH -> actual.isTextual() && operand.searched() != null && actual.textValue().endsWith(operand.searched());
            case CONTAINS -> actual.isTextual() && operand.searched() != null && actual.textValue().contains(operand.searched());
            default -> throw new IllegalStateException("negative operators are tested through their positive");
        };
    }

    private static boolean ordered(int comparison, int low, int high) {
        return comparison != Value.INCOMPARABLE && comparison >= low && comparison <= high;
    }
}
