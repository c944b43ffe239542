package pier.engine;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * The expressions of {@code @computed(from: "…")}: numbers, strings in single quotes, attribute paths
 * ({@code price}, {@code size.height}), {@code + - * / %}, unary minus and parentheses. {@code +}
 * concatenates when either side is a string; arithmetic is exact (decimal), a whole result is an
 * integer. A missing or null operand, or a division by zero, makes the result null.
 */
sealed interface Expression {

    JsonNode evaluate(JsonNode record);

    /** The attribute paths it reads. */
    List<List<String>> reads();

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException naming the position (from 0) and what was expected
     */
    static Expression parse(String text) {
        Parser parser = new Parser(text);
        Expression expression = parser.sum();
        parser.skipSpaces();
        if (parser.pos < text.length()) {
            throw parser.error("unexpected '" + text.charAt(parser.pos) + "'");
        }
        return expression;
    }

    /**
     * A function a plugin provides ({@code @computed(function: "name")}), bound by name when plugins are
     * loaded.
     *
     * @param name   its name
     * @param target the function, once bound
     */
    record Call(String name, java.util.concurrent.atomic.AtomicReference<java.util.function.UnaryOperator<JsonNode>> target)
            implements Expression {
        @Override
        public JsonNode evaluate(JsonNode record) {
            var function = target.get();
            if (function == null) {
                throw new IllegalStateException("no plugin provides the function " + name);
            }
            JsonNode value = function.apply(record);
            return value == null ? NullNode.getInstance() : value;
        }

        @Override
        public List<List<String>> reads() {
            return List.of();
        }

        @Override
        public String toString() {
            return "function " + name;
        }
    }

    /** A number or a string. */
    record Literal(JsonNode value) implements Expression {
        @Override
        public JsonNode evaluate(JsonNode record) {
            return value;
        }

        @Override
        public List<List<String>> reads() {
            return List.of();
        }
    }

    /** An attribute's value. */
    record Attribute(List<String> path) implements Expression {
        @Override
        public JsonNode evaluate(JsonNode record) {
            JsonNode node = record;
            for (String name : path) {
                node = node.path(name);
            }
            return node.isMissingNode() ? NullNode.getInstance() : node;
        }

        @Override
        public List<List<String>> reads() {
            return List.of(path);
        }
    }

    /** Unary minus. */
    record Negation(Expression operand) implements Expression {
        @Override
        public JsonNode evaluate(JsonNode record) {
            JsonNode value = operand.evaluate(record);
            return value.isNumber() ? number(value.decimalValue().negate()) : NullNode.getInstance();
        }

        @Override
        public List<List<String>> reads() {
            return operand.reads();
        }
    }

    /** {@code a op b}. */
    record Operation(char operator, Expression left, Expression right) implements Expression {
        @Override
        public JsonNode evaluate(JsonNode record) {
            JsonNode a = left.evaluate(record);
            JsonNode b = right.evaluate(record);
            if (a.isNull() || b.isNull()) {
                return NullNode.getInstance();
            }
            if (operator == '+' && (a.isTextual() || b.isTextual())) {
                return JsonNodeFactory.instance.textNode(a.asText() + b.asText());
            }
            if (!a.isNumber() || !b.isNumber()) {
                return NullNode.getInstance();
            }
            BigDecimal x = a.decimalValue();
            BigDecimal y = b.decimalValue();
            if ((operator == '/' || operator == '%') && y.signum() == 0) {
                return NullNode.getInstance();
            }
            return number(switch (operator) {
                case '+' -> x.add(y);
                case '-' -> x.subtract(y);
                case '*' -> x.multiply(y);
                case '/' -> x.divide(y, java.math.MathContext.DECIMAL64);
                default -> x.remainder(y);
            });
        }

        @Override
        public List<List<String>> reads() {
            List<List<String>> reads = new ArrayList<>(left.reads());
            reads.addAll(right.reads());
            return reads;
        }
    }

    private static JsonNode number(BigDecimal value) {
        BigDecimal plain = value.stripTrailingZeros();
        if (plain.scale() <= 0 && plain.precision() - plain.scale() < 19) {
            return JsonNodeFactory.instance.numberNode(plain.longValueExact());
        }
        return JsonNodeFactory.instance.numberNode(value.doubleValue());
    }

    /** Recursive descent: sum of products of unary terms. */
    final class Parser {
        private final String text;
        private int pos;

        private Parser(String text) {
            this.text = text;
        }

        Expression sum() {
            Expression left = product();
            for (char c = peek(); c == '+' || c == '-'; c = peek()) {
                pos++;
                left = new Operation(c, left, product());
            }
            return left;
        }

        private Expression product() {
            Expression left = unary();
            for (char c = peek(); c == '*' || c == '/' || c == '%'; c = peek()) {
                pos++;
                left = new Operation(c, left, unary());
            }
            return left;
        }

        private Expression unary() {
            char c = peek();
            if (c == '-') {
                pos++;
                return new Negation(unary());
            }
            if (c == '(') {
                pos++;
                Expression inner = sum();
                if (peek() != ')') {
                    throw error("expected ')'");
                }
                pos++;
                return inner;
            }
            if (c == '\'') {
                int end = text.indexOf('\'', pos + 1);
                if (end < 0) {
                    throw error("a string is not closed");
                }
                String value = text.substring(pos + 1, end);
                pos = end + 1;
                return new Literal(JsonNodeFactory.instance.textNode(value));
            }
            if (Character.isDigit(c) || c == '.') {
                int start = pos;
                while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                    pos++;
                }
                try {
                    return new Literal(number(new BigDecimal(text.substring(start, pos))));
                } catch (NumberFormatException e) {
                    pos = start;
                    throw error("not a number");
                }
            }
            if (Character.isLetter(c) || c == '_') {
                List<String> path = new ArrayList<>();
                do {
                    if (!path.isEmpty()) {
                        pos++; // '.'
                    }
                    int start = pos;
                    while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos))
                            || text.charAt(pos) == '_')) {
                        pos++;
                    }
                    if (start == pos) {
                        throw error("expected an attribute name");
                    }
                    path.add(text.substring(start, pos));
                } while (pos < text.length() && text.charAt(pos) == '.');
                return new Attribute(path);
            }
            throw error(pos < text.length() ? "unexpected '" + c + "'" : "the expression ends too soon");
        }

        private char peek() {
            skipSpaces();
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        IllegalArgumentException error(String problem) {
            return new IllegalArgumentException(problem + " at position " + pos);
        }
    }
}
