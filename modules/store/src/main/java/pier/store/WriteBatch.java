package pier.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes to commit together, applied in order. Built with {@link #builder()}; the arrays are copied in,
 * so the caller may reuse its own.
 */
public final class WriteBatch {

    /**
     * One write: a put when {@code value} is present, else a delete.
     *
     * @param map   the map's name
     * @param key   the key
     * @param value the new value, or null for a delete
     */
    public record Operation(String map, byte[] key, byte[] value) {

        /**
         * Whether this write removes the key.
         *
         * @return true for a delete
         */
        public boolean isDelete() {
            return value == null;
        }
    }

    private final List<Operation> operations;

    private WriteBatch(List<Operation> operations) {
        this.operations = List.copyOf(operations);
    }

    /**
     * Starts a batch.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The writes, in order.
     *
     * @return the operations
     */
    public List<Operation> operations() {
        return operations;
    }

    /** Collects the writes of one batch. */
    public static final class Builder {
        private final List<Operation> operations = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets a key's value.
         *
         * @param map   the map's name
         * @param key   the key
         * @param value the value
         * @return this builder
         */
        public Builder put(String map, byte[] key, byte[] value) {
            operations.add(new Operation(checkedName(map), key.clone(), value.clone()));
            return this;
        }

        /**
         * Removes a key; removing a missing key is not an error.
         *
         * @param map the map's name
         * @param key the key
         * @return this builder
         */
        public Builder delete(String map, byte[] key) {
            operations.add(new Operation(checkedName(map), key.clone(), null));
            return this;
        }

        /**
         * Finishes the batch.
         *
         * @return the batch
         */
        public WriteBatch build() {
            return new WriteBatch(operations);
        }

        private static String checkedName(String map) {
            if (map.isEmpty()) {
                throw new IllegalArgumentException("a map needs a name");
            }
            return map;
        }
    }
}
