package pier.codec.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.cfg.ContextAttributes;
import com.fasterxml.jackson.databind.module.SimpleModule;

import pier.codec.Codec;
import pier.codec.CodecException;
import pier.codec.CodecLimits;
import pier.codec.CollectionWriter;
import pier.codec.DateEncoding;

/**
 * A {@link Codec} for any format Jackson has a mapper for. Provider modules create one around their
 * format's {@link ObjectMapper}; it applies the {@link CodecLimits}, rejects trailing data and duplicate
 * object keys, and maps every parser failure to a {@link CodecException}.
 */
public final class JacksonCodec implements Codec {

    private final ObjectMapper mapper;
    private final ObjectWriter collectionWriter;
    private final CodecLimits limits;
    private final int preference;
    private final List<String> mediaTypes;

    /**
     * Creates a codec; the mapper is configured here and must not be shared.
     *
     * @param mapper     a fresh mapper of the format
     * @param limits     the input limits to enforce
     * @param preference the server's preference at equal client quality (higher wins)
     * @param mediaTypes the media types, canonical first
     */
    public JacksonCodec(ObjectMapper mapper, CodecLimits limits, int preference, String... mediaTypes) {
        this(mapper, null, limits, preference, mediaTypes);
    }

    /**
     * Creates a codec for a format with a time of its own.
     *
     * @param mapper     a fresh mapper of the format
     * @param dates      how the format writes and marks a time
     * @param limits     the input limits to enforce
     * @param preference the server's preference at equal client quality (higher wins)
     * @param mediaTypes the media types, canonical first
     */
    public JacksonCodec(ObjectMapper mapper, DateEncoding dates, CodecLimits limits, int preference,
                        String... mediaTypes) {
        if (dates != null) {
            mapper.registerModule(new SimpleModule("pier-dates").addDeserializer(JsonNode.class, new TreeReader(dates)));
            mapper.setDefaultAttributes(ContextAttributes.getEmpty().withSharedAttribute(DateEncoding.class, dates));
        }
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxDepth())
                .maxStringLength(limits.maxStringLength())
                .maxDocumentLength(limits.maxBytes())
                .build());
        mapper.getFactory().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        // Jackson's default keeps its buffers per thread, which virtual threads (one per request) never reuse
        mapper.getFactory().setRecyclerPool(JsonRecyclerPools.newConcurrentDequePool());
        this.mapper = mapper;
        this.collectionWriter = mapper.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        this.limits = limits;
        this.preference = preference;
        this.mediaTypes = List.of(mediaTypes);
    }

    @Override
    public List<String> mediaTypes() {
        return mediaTypes;
    }

    @Override
    public int preference() {
        return preference;
    }

    @Override
    public boolean decodes() {
        return true;
    }

    @Override
    public JsonNode decode(byte[] bytes) {
        if (bytes.length > limits.maxBytes()) {
            throw CodecException.tooLarge("input of " + bytes.length + " bytes exceeds the limit of "
                    + limits.maxBytes());
        }
        try (JsonParser parser = new LimitedParser(mapper.createParser(bytes), limits)) {
            JsonNode value = mapper.readTree(parser);
            if (value == null || value.isMissingNode()) {
                throw CodecException.malformed("empty input: expected a " + mediaType() + " value", 0, null);
            }
            if (hasMore(parser)) {
                throw CodecException.malformed("unexpected data after the value", offset(parser.currentLocation()),
                        null);
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw CodecException.tooLarge(e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw CodecException.malformed(e.getOriginalMessage(), offset(e.getLocation()), e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CodecException codecException) {
                throw codecException;
            }
            // format libraries (msgpack-core) also fail with their own unchecked exceptions
            throw CodecException.malformed("malformed " + mediaType() + ": " + e.getMessage(), -1, e);
        }
    }

    @Override
    public byte[] encode(JsonNode value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw CodecException.unrepresentable("cannot encode as " + mediaType() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CollectionWriter collectionWriter(OutputStream out, long count) {
        try {
            return new ArrayWriter(collectionWriter.writeValuesAsArray(out), count);
        } catch (IOException e) {
            throw CodecException.unrepresentable("cannot start a " + mediaType() + " array: " + e.getMessage(), e);
        }
    }

    /**
     * Encodes one value with the configured mapper, for codecs that frame collections themselves.
     *
     * @param value the value
     * @param out   where it goes
     */
    public void encodeTo(JsonNode value, OutputStream out) {
        try {
            collectionWriter.writeValue(out, value);
        } catch (IOException | IllegalArgumentException e) {
            throw CodecException.unrepresentable("cannot encode as " + mediaType() + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasMore(JsonParser parser) throws IOException {
        try {
            return parser.nextToken() != null;
        } catch (JsonEOFException e) {
            // the MessagePack parser reports the end of its input this way instead of returning null
            return false;
        }
    }

    private static long offset(JsonLocation location) {
        if (location == null) {
            return -1;
        }
        return location.getByteOffset() >= 0 ? location.getByteOffset() : location.getCharOffset();
    }

    /** Streams a collection as the format's array, counting what was written. */
    private final class ArrayWriter implements CollectionWriter {
        private final SequenceWriter sequence;
        private final long expected;
        private long written;

        ArrayWriter(SequenceWriter sequence, long expected) {
            this.sequence = sequence;
            this.expected = expected;
        }

        @Override
        public void write(JsonNode element) {
            try {
                sequence.write(element);
                written++;
            } catch (IOException | IllegalArgumentException e) {
                throw CodecException.unrepresentable("cannot encode as " + mediaType() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                sequence.close();
            } catch (IOException e) {
                throw CodecException.unrepresentable("cannot finish a " + mediaType() + " array: "
                        + e.getMessage(), e);
            }
            if (expected != UNKNOWN_COUNT && written != expected) {
                throw new IllegalStateException("announced " + expected + " elements but wrote " + written);
            }
        }
    }
}
