package pier.codec.msgpack;

import java.io.IOException;
import java.nio.ByteBuffer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.msgpack.jackson.dataformat.MessagePackExtensionType;
import org.msgpack.jackson.dataformat.MessagePackGenerator;

import pier.codec.DateEncoding;
import pier.codec.DateNode;

/**
 * The MessagePack timestamp extension (type -1), in the shortest of its three layouts: 32 bits of seconds,
 * 64 bits of nanoseconds and seconds, or 96 bits for times before 1970 or after 2514.
 */
final class MessagePackDates implements DateEncoding {

    static final byte TIMESTAMP = -1;

    @Override
    public void write(long epochMillis, JsonGenerator generator) throws IOException {
        long seconds = Math.floorDiv(epochMillis, 1000);
        long nanos = Math.floorMod(epochMillis, 1000) * 1_000_000L;
        byte[] data;
        if (seconds >>> 34 != 0) {
            data = ByteBuffer.allocate(12).putInt((int) nanos).putLong(seconds).array();
        } else if (nanos == 0 && seconds >>> 32 == 0) {
            data = ByteBuffer.allocate(4).putInt((int) seconds).array();
        } else {
            data = ByteBuffer.allocate(8).putLong(nanos << 34 | seconds).array();
        }
        ((MessagePackGenerator) generator).writeExtensionType(new MessagePackExtensionType(TIMESTAMP, data));
    }

    @Override
    public DateNode read(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_EMBEDDED_OBJECT
                || !(parser.getEmbeddedObject() instanceof MessagePackExtensionType extension)
                || extension.getType() != TIMESTAMP) {
            return null;
        }
        ByteBuffer data = ByteBuffer.wrap(extension.getData());
        return switch (data.remaining()) {
            case 4 -> DateNode.ofEpochMilli(Integer.toUnsignedLong(data.getInt()) * 1000);
            case 8 -> {
                long both = data.getLong();
                yield DateNode.ofEpochMilli((both & 0x3_FFFF_FFFFL) * 1000 + (both >>> 34) / 1_000_000);
            }
            default -> {
                long nanos = Integer.toUnsignedLong(data.getInt());
                yield DateNode.ofEpochMilli(Math.multiplyExact(data.getLong(), 1000L) + nanos / 1_000_000);
            }
        };
    }
}
