package pier.query;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** The condition part of a query: comparisons joined by {@code &} or {@code |}. */
public sealed interface Filter {

    /**
     * Whether a record satisfies the condition.
     *
     * @param record the record's value
     * @return whether it matches
     */
    boolean matches(JsonNode record);

    /**
     * {@code attribute operator value}.
     *
     * @param attribute the attribute compared
     * @param operator  how
     * @param value     with what
     */
    record Comparison(Path attribute, Operator operator, Value value) implements Filter {
        @Override
        public boolean matches(JsonNode record) {
            return operator.test(attribute.resolve(record), value);
        }

        @Override
        public String toString() {
            return attribute.text() + operator.symbol() + value;
        }
    }

    /**
     * Conditions joined by {@code &}: all must hold.
     *
     * @param operands two or more conditions
     */
    record And(List<Filter> operands) implements Filter {
        /** Copies the operands. */
        public And {
            operands = List.copyOf(operands);
        }

        @Override
        public boolean matches(JsonNode record) {
            for (int i = 0; i < operands.size(); i++) {
                if (!operands.get(i).matches(record)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Conditions joined by {@code |}: one must hold.
     *
     * @param operands two or more conditions
     */
    record Or(List<Filter> operands) implements Filter {
        /** Copies the operands. */
        public Or {
            operands = List.copyOf(operands);
        }

        @Override
        public boolean matches(JsonNode record) {
            for (int i = 0; i < operands.size(); i++) {
                if (operands.get(i).matches(record)) {
                    return true;
                }
            }
            return false;
        }
    }
}
