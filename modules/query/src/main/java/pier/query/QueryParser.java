package pier.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A recursive-descent parser of the query text, percent-decoding names and values after the
 * structure ({@code & | ( ) = , [ ]}) is read, so that an encoded {@code %26} is an ampersand in a value.
 * Positions in errors count an encoded {@code |}, {@code [} or {@code ]} as one character.
 */
final class QueryParser {

    private static final Map<String, Operator> NAMED = Map.of("gt", Operator.GREATER, "ge",
            Operator.GREATER_OR_EQUAL, "lt", Operator.LESS, "le", Operator.LESS_OR_EQUAL, "ne", Operator.NOT_EQUAL,
            "sw", Operator.STARTS_WITH, "ew", Operator.ENDS_WITH, "ct", Operator.CONTAINS);
    private static final String OPERATORS = "=, ==, ===, !=, !==, <, <=, >, >= or =gt= =ge= =lt= =le= =ne= =sw= "
            + "=ew= =ct=";
    // longest first: === before !==, !== before !=
    private static final List<Map.Entry<String, Operator>> SPELT = List.of(Map.entry("===", Operator.STRICT_EQUAL),
            Map.entry("!==", Operator.STRICT_NOT_EQUAL), Map.entry("!=", Operator.NOT_EQUAL));
    private static final String NAME_STOPS = "=!<>()&|,[]*{}";
    // a raw operator character where a value starts (or a raw < > anywhere in it) is a misspelt operator
    // (age=>3, age=<=3, age=gt==3), never data: data spells them %3D %21 %3C %3E
    private static final String VALUE_STARTS_REFUSED = "=!<>";

    private final String in;
    private int pos;
    private Selection selection;
    private List<SortKey> sort;
    private Limit limit;

    QueryParser(String in) {
        this.in = structural(in);
    }

    // '|', '[', ']', '{' and '}' may not appear raw in an RFC 3986 query, so conforming clients (java.net.URI
    // among them) encode them: their encoded forms are the operators, not data
    private static String structural(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        return raw.replaceAll("(?i)%7C", "|").replaceAll("(?i)%5B", "[").replaceAll("(?i)%5D", "]")
                .replaceAll("(?i)%7B", "{").replaceAll("(?i)%7D", "}");
    }

    Query parse() {
        Filter filter = expression(true);
        if (pos < in.length()) {
            throw error("unexpected '" + in.charAt(pos) + "'; expected '&', '|' or the end of the query");
        }
        return new Query(Optional.ofNullable(filter), Optional.ofNullable(selection),
                sort == null ? List.of() : sort, Optional.ofNullable(limit), in);
    }

    // terms joined by one kind of separator; null when the level held only calls
    private Filter expression(boolean top) {
        List<Filter> operands = new ArrayList<>();
        char separator = 0;
        boolean calls = false;
        Filter previous = null;
        while (true) {
            if (separator == '|' && top && isCall()) {
                throw error("select(), sort() and limit() join the query with '&', not '|'");
            }
            Filter term = term(top, separator, previous);
            if (term == null) {
                calls = true;
            } else {
                operands.add(term);
            }
            previous = term;
            if (pos >= in.length() || in.charAt(pos) == ')') {
                break;
            }
            char c = in.charAt(pos);
            if (c != '&' && c != '|') {
                throw error("unexpected '" + c + "'; expected '&', '|' or the end of the query");
            }
            if (separator != 0 && c != separator) {
                throw error("cannot mix '&' and '|' at one level; group them with parentheses");
            }
            if (c == '|' && calls) {
                throw error("select(), sort() and limit() join the query with '&', not '|'");
            }
            separator = c;
            pos++;
        }
        if (operands.isEmpty()) {
            return null;
        }
        if (operands.size() == 1) {
            return operands.getFirst();
        }
        return separator == '|' ? new Filter.Or(operands) : new Filter.And(operands);
    }

    private Filter term(boolean top, char separator, Filter previous) {
        if (at('(')) {
            return group();
        }
        int start = pos;
        String rawName = until(NAME_STOPS);
        if (at('(')) {
            call(rawName, start, top);
            return null;
        }
        if (rawName.isEmpty()) {
            throw error("expected an attribute name");
        }
        // the chained range form: age=gt=3&lt=5 continues with the previous attribute
        if (previous instanceof Filter.Comparison chained && separator == '&' && NAMED.containsKey(rawName)
                && at('=') && !in.startsWith("==", pos)) {
            pos++;
            Operator operator = NAMED.get(rawName);
            return new Filter.Comparison(chained.attribute(), operator, value(operator, false));
        }
        Path path = path(rawName, start);
        if (in.startsWith("==", pos) && !in.startsWith("===", pos)) {
            pos += 2;
            // == takes a trailing * as "starts with"
            boolean prefix = valueEnd() > pos && in.charAt(valueEnd() - 1) == '*';
            Operator operator = prefix ? Operator.STARTS_WITH : Operator.EQUAL;
            return new Filter.Comparison(path, operator, value(operator, prefix));
        }
        Operator operator = operator(path);
        return new Filter.Comparison(path, operator, value(operator, false));
    }

    private Filter group() {
        int open = pos++;
        if (at(')')) {
            throw new QueryException("empty parentheses", open);
        }
        Filter group = expression(false);
        if (!at(')')) {
            throw error("the '(' at position " + open + " is not closed; expected ')'");
        }
        pos++;
        return group;
    }

    // every operator but ==, which term() reads itself
    private Operator operator(Path path) {
        for (Map.Entry<String, Operator> spelt : SPELT) {
            if (in.startsWith(spelt.getKey(), pos)) {
                pos += spelt.getKey().length();
                return spelt.getValue();
            }
        }
        if (at('<') || at('>')) {
            return comparison();
        }
        if (at('=')) {
            pos++;
            return namedOperator().orElse(Operator.EQUAL);
        }
        throw error("expected an operator after '" + path.text() + "': " + OPERATORS);
    }

    // < <= > >=, the reference's synonyms of =lt= =le= =gt= =ge=
    private Operator comparison() {
        boolean less = at('<');
        pos++;
        boolean orEqual = at('=');
        if (orEqual) {
            pos++;
        }
        return less ? orEqual ? Operator.LESS_OR_EQUAL : Operator.LESS
                : orEqual ? Operator.GREATER_OR_EQUAL : Operator.GREATER;
    }

    // =gt= and friends; the leading '=' is consumed
    private Optional<Operator> namedOperator() {
        int start = pos;
        int end = start;
        while (end < in.length() && Character.isLetter(in.charAt(end))) {
            end++;
        }
        if (end == start || end >= in.length() || in.charAt(end) != '=') {
            return Optional.empty();
        }
        String name = in.substring(start, end);
        Operator operator = NAMED.get(name);
        if (operator == null) {
            pos = start;
            throw error("unknown operator =" + name + "=; expected one of " + OPERATORS);
        }
        pos = end + 1;
        return Optional.of(operator);
    }

    // values end at '&', '|' or ')'
    private int valueEnd() {
        int end = pos;
        while (end < in.length() && "&|)".indexOf(in.charAt(end)) < 0) {
            end++;
        }
        return end;
    }

    private Value value(Operator operator, boolean trailingStar) {
        int start = pos;
        int end = valueEnd();
        int paren = in.indexOf('(', start);
        if (paren >= 0 && paren < end) {
            throw new QueryException("a '(' in a value must be percent-encoded as %28", paren);
        }
        if (end > start && VALUE_STARTS_REFUSED.indexOf(in.charAt(start)) >= 0) {
            throw new QueryException("unexpected '" + in.charAt(start) + "' where a value starts: an operator is one "
                    + "of " + OPERATORS + "; a value spells = ! < > as %3D %21 %3C %3E", start);
        }
        for (int i = start; i < end; i++) {
            if (in.charAt(i) == '<' || in.charAt(i) == '>') {
                throw new QueryException("a '" + in.charAt(i) + "' in a value must be percent-encoded as "
                        + (in.charAt(i) == '<' ? "%3C" : "%3E"), i);
            }
        }
        pos = end;
        String text = decode(in.substring(start, trailingStar ? end - 1 : end), start);
        boolean ordering = operator != Operator.EQUAL && operator != Operator.NOT_EQUAL
                && operator != Operator.STRICT_EQUAL && operator != Operator.STRICT_NOT_EQUAL;
        if (text.isEmpty() && ordering && !trailingStar) {
            throw new QueryException("expected a value after " + operator.symbol(), start);
        }
        Value value = Value.parse(text, start);
        boolean stringOperator = operator == Operator.STARTS_WITH || operator == Operator.ENDS_WITH
                || operator == Operator.CONTAINS;
        if (stringOperator && value.typed().filter(t -> !t.isTextual()).isPresent()) {
            throw new QueryException(operator.symbol() + " compares strings, not " + value, start);
        }
        return value;
    }

    private void call(String name, int start, boolean top) {
        if (!top) {
            throw new QueryException(name + "() is only allowed at the top level of the query", start);
        }
        pos++; // '('
        switch (name) {
            case "select" -> {
                once(selection, name, start);
                selection = selection();
            }
            case "sort" -> {
                once(sort, name, start);
                sort = sortKeys();
            }
            case "limit" -> {
                once(limit, name, start);
                limit = limit();
            }
            default -> throw new QueryException("unknown function " + name + "(); expected select(), sort() or "
                    + "limit()", start);
        }
        expect(')');
    }

    private Selection selection() {
        if (at('[')) {
            pos++;
            List<Path> paths = paths();
            expect(']');
            return new Selection.Tuple(paths);
        }
        Selection.Fields fields = fields();
        return fields.attributes().size() == 1 && fields.nested().isEmpty()
                ? new Selection.Single(fields.attributes().getFirst()) : fields;
    }

    // a, b, owner{name, age}: braces select inside an attribute's object (or each object of its list)
    private Selection.Fields fields() {
        List<Path> paths = new ArrayList<>();
        Map<Path, Selection.Fields> nested = new java.util.HashMap<>();
        do {
            if (!paths.isEmpty()) {
                pos++; // ','
            }
            int start = pos;
            String raw = until(NAME_STOPS);
            if (raw.isEmpty()) {
                throw error("expected an attribute name");
            }
            Path path = path(raw, start);
            paths.add(path);
            if (at('{')) {
                pos++;
                nested.put(path, fields());
                expect('}');
            }
        } while (at(','));
        return new Selection.Fields(paths, nested);
    }

    // select([a, b]): plain attributes, no braces
    private List<Path> paths() {
        int start = pos;
        Selection.Fields fields = fields();
        if (!fields.nested().isEmpty()) {
            throw new QueryException("select([…]) takes attributes, not braces", start);
        }
        return fields.attributes();
    }

    private List<SortKey> sortKeys() {
        List<SortKey> keys = new ArrayList<>();
        do {
            if (!keys.isEmpty()) {
                pos++; // ','
            }
            boolean descending = at('-');
            if (at('-') || at('+')) {
                pos++;
            } else if (in.regionMatches(true, pos, "%2B", 0, 3)) {
                pos += 3;
            }
            int start = pos;
            String raw = until(NAME_STOPS);
            if (raw.isEmpty()) {
                throw error("expected an attribute to sort by, optionally with + or -");
            }
            keys.add(new SortKey(path(raw, start), descending));
        } while (at(','));
        return keys;
    }

    private Limit limit() {
        long first = number();
        if (!at(',')) {
            return new Limit(0, first);
        }
        pos++;
        int start = pos;
        long end = number();
        if (end < first) {
            throw new QueryException("limit(start,end) needs end >= start", start);
        }
        return new Limit(first, end - first);
    }

    private long number() {
        int start = pos;
        while (pos < in.length() && Character.isDigit(in.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error("expected a non-negative whole number");
        }
        try {
            return Long.parseLong(in.substring(start, pos));
        } catch (NumberFormatException e) {
            throw new QueryException("number too large", start);
        }
    }

    private Path path(String raw, int start) {
        String name = decode(raw, start);
        List<String> names = List.of(name.split("\\.", -1));
        if (names.stream().anyMatch(String::isEmpty)) {
            throw new QueryException("'" + name + "' is not an attribute name; nested names are joined by single "
                    + "dots", start);
        }
        return new Path(names, start);
    }

    private String until(String stops) {
        int start = pos;
        while (pos < in.length() && stops.indexOf(in.charAt(pos)) < 0) {
            pos++;
        }
        return in.substring(start, pos);
    }

    private void once(Object existing, String name, int start) {
        if (existing != null) {
            throw new QueryException(name + "() appears twice", start);
        }
    }

    private void expect(char c) {
        if (!at(c)) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private boolean at(char c) {
        return pos < in.length() && in.charAt(pos) == c;
    }

    private boolean isCall() {
        int end = pos;
        while (end < in.length() && NAME_STOPS.indexOf(in.charAt(end)) < 0) {
            end++;
        }
        return end < in.length() && in.charAt(end) == '(' && end > pos;
    }

    private QueryException error(String problem) {
        return new QueryException(problem, pos);
    }

    private static String decode(String raw, int start) {
        try {
            return PercentDecoding.decode(raw);
        } catch (PercentDecoding.MalformedException e) {
            throw new QueryException(e.getMessage(), start + e.index());
        }
    }
}
