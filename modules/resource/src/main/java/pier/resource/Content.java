package pier.resource;

import com.fasterxml.jackson.databind.JsonNode;

/** What a caller sends: a structured value, or bytes of a media type Pier does not decode. */
public sealed interface Content {

    /**
     * A value decoded from JSON, CBOR or MessagePack.
     *
     * @param value the value
     */
    record Structured(JsonNode value) implements Content {
    }

    /**
     * Bytes kept as they are, served back with their media type.
     *
     * @param contentType the media type they came with
     * @param data        the bytes
     */
    record Opaque(String contentType, byte[] data) implements Content {
    }
}
