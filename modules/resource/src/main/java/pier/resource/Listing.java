package pier.resource;

import java.util.stream.Stream;

/**
 * The records of a collection, streamed lazily, with the feed position the snapshot was taken at so
 * that a subscription resuming from it skips nothing.
 *
 * @param position the feed position
 * @param records  the records, in key order; close the stream when done
 */
public record Listing(long position, Stream<Record> records) {
}
