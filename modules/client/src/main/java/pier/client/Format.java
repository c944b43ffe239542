package pier.client;

import com.fasterxml.jackson.databind.JsonNode;

import pier.codec.Codec;
import pier.codec.CodecLimits;
import pier.codec.CodecRegistry;

/** The structured formats a client may send and receive; each is the server's own codec. */
public enum Format {
    JSON("JSON", CodecRegistry.JSON),
    CBOR("CBOR", "application/cbor"),
    MESSAGEPACK("MessagePack", "application/x-msgpack");

    static final CodecRegistry CODECS = CodecRegistry.load(CodecLimits.DEFAULT);

    private final String label;
    private final String mediaType;

    Format(String label, String mediaType) {
        this.label = label;
        this.mediaType = mediaType;
    }

    /** The canonical media type, as sent in {@code Content-Type} and {@code Accept}. */
    public String mediaType() {
        return mediaType;
    }

    /**
     * Encodes a value in this format.
     *
     * @param value the value
     * @return its bytes
     */
    public byte[] encode(JsonNode value) {
        return codec().encode(value);
    }

    /**
     * Decodes one value.
     *
     * @param bytes its encoding
     * @return the value
     * @throws pier.codec.CodecException when the bytes are not one value of this format
     */
    public JsonNode decode(byte[] bytes) {
        return codec().decode(bytes);
    }

    private Codec codec() {
        return CODECS.forContentType(mediaType).orElseThrow(
                () -> new IllegalStateException("no codec for " + mediaType + " on the module path"));
    }

    @Override
    public String toString() {
        return label;
    }
}
