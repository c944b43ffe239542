package pier.codec.msgpack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.jackson.dataformat.MessagePackMapper;

import pier.codec.Codec;
import pier.codec.CodecException;
import pier.codec.CodecLimits;
import pier.codec.CollectionWriter;
import pier.codec.spi.JacksonCodec;

/**
 * MessagePack through Jackson, with two additions the format needs: input is walked once with
 * msgpack-core before decoding, so a header announcing gigabytes in a short message fails fast instead
 * of allocating, an invalid UTF-8 string or an extension type other than the timestamp is refused as JSON
 * and CBOR refuse theirs;
 * and collections are arrays with their length up front, as the format requires.
 */
final class MessagePackCodec implements Codec {

    private final JacksonCodec jackson;

    MessagePackCodec(CodecLimits limits) {
        this.jackson = new JacksonCodec(new MessagePackMapper(), new MessagePackDates(), limits, 2,
                "application/x-msgpack", "application/msgpack", "application/vnd.msgpack");
    }

    @Override
    public List<String> mediaTypes() {
        return jackson.mediaTypes();
    }

    @Override
    public int preference() {
        return jackson.preference();
    }

    @Override
    public boolean decodes() {
        return true;
    }

    @Override
    public JsonNode decode(byte[] bytes) {
        checkStructure(bytes);
        return jackson.decode(bytes);
    }

    @Override
    public byte[] encode(JsonNode value) {
        return jackson.encode(value);
    }

    @Override
    public CollectionWriter collectionWriter(OutputStream out, long count) {
        return new MessagePackArrayWriter(out, count);
    }

    private void checkStructure(byte[] bytes) {
        boolean trailing;
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
            checkValue(unpacker, bytes.length);
            trailing = unpacker.hasNext();
        } catch (IOException | RuntimeException e) {
            if (e instanceof CodecException codecException) {
                throw codecException;
            }
            throw CodecException.malformed("malformed application/x-msgpack: " + e.getMessage(), -1, e);
        }
        if (trailing) {
            throw CodecException.malformed("unexpected data after the value", -1, null);
        }
    }

    /**
     * Walks one value, checking every length against the bytes present before anything is allocated, every
     * string for valid UTF-8 (as JSON and CBOR are checked), and refusing extension types, which have no
     * structured value to store.
     */
    private static void checkValue(MessageUnpacker unpacker, long size) throws IOException {
        Deque<Long> levels = new ArrayDeque<>();
        levels.push(1L);
        while (!levels.isEmpty()) {
            long left = levels.pop();
            if (left == 0) {
                continue;
            }
            levels.push(left - 1);
            long offset = unpacker.getTotalReadBytes();
            MessageFormat format = unpacker.getNextFormat();
            switch (format.getValueType()) {
                case EXTENSION -> timestamp(unpacker, offset);
                case STRING -> {
                    int length = unpacker.unpackRawStringHeader();
                    if (length > size - unpacker.getTotalReadBytes()) {
                        throw CodecException.malformed("a string of " + length + " bytes runs past the end", offset,
                                null);
                    }
                    strictUtf8(unpacker.readPayload(length), offset);
                }
                case ARRAY -> levels.push((long) unpacker.unpackArrayHeader());
                case MAP -> levels.push(2L * unpacker.unpackMapHeader());
                default -> unpacker.skipValue();
            }
        }
    }

    // the timestamp is the one extension with a value to store (a date); its payload is 4, 8 or 12 bytes
    private static void timestamp(MessageUnpacker unpacker, long offset) throws IOException {
        var header = unpacker.unpackExtensionTypeHeader();
        if (header.getType() != MessagePackDates.TIMESTAMP) {
            throw CodecException.malformed("MessagePack extension type " + header.getType() + " is not supported; "
                    + "the timestamp (-1) is", offset, null);
        }
        if (header.getLength() != 4 && header.getLength() != 8 && header.getLength() != 12) {
            throw CodecException.malformed("a MessagePack timestamp has 4, 8 or 12 bytes, not " + header.getLength(),
                    offset, null);
        }
        unpacker.readPayload(header.getLength());
    }

    private static void strictUtf8(byte[] bytes, long offset) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw CodecException.malformed("a string is not valid UTF-8", offset, e);
        }
    }

    /** Writes the array header first; with an unknown count the elements are buffered to count them. */
    private final class MessagePackArrayWriter implements CollectionWriter {
        private final OutputStream out;
        private final long expected;
        private final OutputStream target;
        private final ByteArrayOutputStream buffer;
        private long written;

        MessagePackArrayWriter(OutputStream out, long expected) {
            this.out = out;
            this.expected = expected;
            this.buffer = expected == UNKNOWN_COUNT ? new ByteArrayOutputStream() : null;
            this.target = buffer == null ? out : buffer;
            if (buffer == null) {
                writeHeader(expected);
            }
        }

        @Override
        public void write(JsonNode element) {
            jackson.encodeTo(element, target);
            written++;
        }

        @Override
        public void close() {
            if (buffer == null && written != expected) {
                throw new IllegalStateException("announced " + expected + " elements but wrote " + written);
            }
            if (buffer != null) {
                writeHeader(written);
            }
            try {
                if (buffer != null) {
                    buffer.writeTo(out);
                }
                out.flush();
            } catch (IOException e) {
                throw CodecException.unrepresentable("cannot write a MessagePack array: " + e.getMessage(), e);
            }
        }

        private void writeHeader(long count) {
            if (count > Integer.MAX_VALUE) {
                throw CodecException.unrepresentable("a MessagePack array holds at most 2^31-1 elements", null);
            }
            try {
                MessagePacker packer = MessagePack.newDefaultPacker(out);
                packer.packArrayHeader((int) count);
                packer.flush();
            } catch (IOException e) {
                throw CodecException.unrepresentable("cannot write a MessagePack array: " + e.getMessage(), e);
            }
        }
    }
}
