package pier.query;

/**
 * One key of {@code sort()}: {@code +a} (or {@code a}) ascending, {@code -a} descending.
 *
 * @param attribute  the attribute sorted by
 * @param descending whether the order is reversed; records lacking the attribute come last either way
 */
public record SortKey(Path attribute, boolean descending) {
}
