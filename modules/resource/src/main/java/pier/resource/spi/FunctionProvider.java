package pier.resource.spi;

import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@link java.util.ServiceLoader} provider of functions that computed attributes name:
 * {@code total: Float @computed(function: "total")} stores, in every write of the table, what the
 * function {@code total} returns for the record being written (null leaves the attribute out). Declared
 * by plugin modules with {@code provides pier.resource.spi.FunctionProvider with ...}. A function must
 * be quick and must not block: it runs inside the write.
 */
public interface FunctionProvider {

    /**
     * The functions this provider contributes, by name.
     *
     * @return the functions
     */
    Map<String, UnaryOperator<JsonNode>> functions();
}
