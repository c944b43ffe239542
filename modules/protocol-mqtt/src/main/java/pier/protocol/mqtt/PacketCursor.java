package pier.protocol.mqtt;

import io.netty.buffer.ByteBuf;

/**
 * A cursor inside one packet: every length is checked against what the packet (or the properties being
 * read) holds. Strings are only measured: Netty's decoder checks their UTF-8.
 */
final class PacketCursor {

    private final ByteBuf bytes;
    private int position;
    private int end;

    PacketCursor(ByteBuf bytes, int start, int end) {
        this.bytes = bytes;
        this.position = start;
        this.end = end;
    }

    int remaining() {
        return end - position;
    }

    int u8() {
        need(1, "a byte");
        return bytes.getUnsignedByte(position++);
    }

    int u16() {
        need(2, "two bytes");
        int value = bytes.getUnsignedShort(position);
        position += 2;
        return value;
    }

    long u32() {
        need(4, "four bytes");
        long value = bytes.getUnsignedInt(position);
        position += 4;
        return value;
    }

    void string(String what) {
        binary(what);
    }

    void binary(String what) {
        int length = u16();
        need(length, what);
        position += length;
    }

    int variableInteger() {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int digit = u8();
            value |= (digit & 0x7f) << shift;
            if ((digit & 0x80) == 0) {
                return value;
            }
        }
        throw PacketCheck.malformed("a variable byte integer takes more than four bytes");
    }

    /** Narrows the cursor to the properties that follow; returns the end to restore after them. */
    int enterProperties() {
        int length = variableInteger();
        need(length, "the properties");
        int outer = end;
        end = position + length;
        return outer;
    }

    void leave(int outer) {
        end = outer;
    }

    void skipProperty(int id) {
        switch (id) {
            case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> u8();
            case 0x13, 0x21, 0x22, 0x23 -> u16();
            case 0x02, 0x11, 0x18, 0x27 -> u32();
            case 0x0B -> variableInteger();
            case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> string("a property");
            case 0x09, 0x16 -> binary("a property");
            case PacketCheck.USER_PROPERTY -> {
                string("a user property name");
                string("a user property value");
            }
            default -> throw PacketCheck.malformed("unknown property 0x" + Integer.toHexString(id));
        }
    }

    void requireEnd(String packet) {
        if (position < end) {
            throw PacketCheck.malformed((end - position) + " bytes more than " + packet + " holds");
        }
    }

    private void need(int count, String what) {
        if (count < 0 || end - position < count) {
            throw PacketCheck.malformed(what + " runs past the end of the packet");
        }
    }
}
