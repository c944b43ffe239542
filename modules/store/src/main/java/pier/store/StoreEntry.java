package pier.store;

/**
 * One key and its value, as read by a scan. The arrays belong to the caller.
 *
 * @param key   the key
 * @param value the value
 */
public record StoreEntry(byte[] key, byte[] value) {
}
