package pier.engine;

import java.util.List;

/** The schema cannot be used; the message lists every problem with its line and column. */
public final class SchemaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SchemaException(String source, List<String> problems) {
        super("schema " + source + " has " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                + ":\n  " + String.join("\n  ", problems));
    }
}
