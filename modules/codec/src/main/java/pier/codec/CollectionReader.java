package pier.codec;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the elements of one collection from an input as they arrive (a record a line of JSON Lines, a
 * row of CSV), so that a body of any size is read in the memory of one element: the streaming input
 * that {@link CollectionWriter} is the output of.
 */
public interface CollectionReader {

    /**
     * Reads the next element.
     *
     * @return the element, or empty at the end of the input
     * @throws CodecException when the element is malformed or larger than allowed (its message names the
     *                        line), or the input fails
     */
    Optional<JsonNode> next();

    /**
     * Where the element last returned began.
     *
     * @return its line, from 1
     */
    long line();

    /**
     * How far the input has been read.
     *
     * @return the bytes (or characters) read so far
     */
    long position();

    /**
     * Whether every value this reader returns is text (CSV cells), which the caller converts to the types
     * it expects.
     *
     * @return true for a format without types
     */
    default boolean textOnly() {
        return false;
    }
}
