package pier.resource;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

import pier.codec.Codec;

/**
 * A record as stored: its id, version (a timestamp in milliseconds, increasing with every write) and
 * feed sequence, and its body kept as the CBOR bytes it is stored as. The body is decoded only when
 * something needs the tree, and each wire encoding is computed once and cached, so a record sent to many
 * subscribers in one format is encoded once.
 */
public final class Record {

    private final String id;
    private final long version;
    private final long sequence;
    private final byte[] cbor;
    private final Codec cborCodec;
    private final boolean opaque;
    private static final java.util.concurrent.atomic.LongAdder ENCODINGS = new java.util.concurrent.atomic.LongAdder();

    private final Map<String, byte[]> encodings = new ConcurrentHashMap<>(4);
    private volatile JsonNode value;

    /**
     * A message that is not stored: a value published to a record's topic, or sent by a custom resource.
     *
     * @param id      the record's id, or empty
     * @param content the message: a value, or opaque bytes that stay bytes
     * @return a record-shaped message with version and sequence 0
     */
    public static Record message(String id, Content content) {
        return new Record(id, 0, 0, null, null, content instanceof Content.Opaque, switch (content) {
            case Content.Structured structured -> structured.value();
            case Content.Opaque opaque -> com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                    .put("contentType", opaque.contentType()).put("data", opaque.data());
        });
    }

    /**
     * Wraps a stored body.
     *
     * @param id        the record's id
     * @param version   its version
     * @param sequence  the feed sequence of the write that made it
     * @param cbor      the body as CBOR
     * @param cborCodec the CBOR codec, to decode the body when needed
     * @param opaque    whether the body is an opaque value {@code {contentType, data}}
     * @return the record
     */
    public static Record stored(String id, long version, long sequence, byte[] cbor, Codec cborCodec, boolean opaque) {
        return new Record(id, version, sequence, java.util.Objects.requireNonNull(cbor, "cbor"),
                java.util.Objects.requireNonNull(cborCodec, "cborCodec"), opaque, null);
    }

    /**
     * A record held in memory and not stored, such as a live connection of {@code $connections}.
     *
     * @param id       its id
     * @param version  its version: increasing with every change
     * @param sequence the position of its change, in its resource's own order
     * @param value    its body
     * @return the record
     */
    public static Record of(String id, long version, long sequence, JsonNode value) {
        return new Record(id, version, sequence, null, null, false, java.util.Objects.requireNonNull(value, "value"));
    }

    /**
     * This record as someone may see it: the same id, version and sequence, another body (e.g. with
     * attributes left out).
     *
     * @param shown the body to show
     * @return the record
     */
    public Record withValue(JsonNode shown) {
        return new Record(id, version, sequence, null, null, false, shown);
    }

    private Record(String id, long version, long sequence, byte[] cbor, Codec cborCodec, boolean opaque,
                   JsonNode value) {
        this.id = id;
        this.version = version;
        this.sequence = sequence;
        this.cbor = cbor;
        this.cborCodec = cborCodec;
        this.opaque = opaque;
        this.value = value;
    }

    public String id() {
        return id;
    }

    public long version() {
        return version;
    }

    public long sequence() {
        return sequence;
    }

    /**
     * How many times a record body has been encoded into a wire format since start: one per record and
     * format, however many clients receive it.
     *
     * @return the count
     */
    public static long encodings() {
        return ENCODINGS.sum();
    }

    /**
     * The body as a tree, decoded on first use.
     *
     * @return the body
     */
    public JsonNode value() {
        JsonNode decoded = value;
        if (decoded == null) {
            decoded = cborCodec.decode(cbor);
            value = decoded;
        }
        return decoded;
    }

    /**
     * The body in a wire format, encoded once per format.
     *
     * @param codec the format
     * @return the encoding; the caller must not change it
     */
    public byte[] encoded(Codec codec) {
        if (codec == cborCodec && cbor != null) {
            return cbor;
        }
        return encodings.computeIfAbsent(codec.mediaType(), type -> {
            ENCODINGS.increment();
            return codec.encode(value());
        });
    }

    /**
     * For a record written as bytes of an undecoded media type, those bytes and their type.
     *
     * @return the opaque content, or empty for a structured record
     */
    public Optional<Content.Opaque> opaqueContent() {
        if (!opaque) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Content.Opaque(value().get("contentType").asText(), value().get("data").binaryValue()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("opaque record " + id + " has no bytes", e);
        }
    }

    /**
     * The entity tag of this version, for HTTP caching and preconditions.
     *
     * @return a quoted strong entity tag
     */
    public String etag() {
        return etagOf(version);
    }

    /**
     * The entity tag of a version.
     *
     * @param version a record version
     * @return a quoted strong entity tag
     */
    public static String etagOf(long version) {
        return "\"" + Long.toString(version, 36) + "\"";
    }
}
