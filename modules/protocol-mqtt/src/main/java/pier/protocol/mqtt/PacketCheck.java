package pier.protocol.mqtt;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;

/**
 * Frames the bytes a client sends into whole packets and checks each against the rules of MQTT 3.1.1 and
 * 5.0 that Netty's decoder leaves out (it waits for bytes that never come when a length inside a packet
 * runs past the packet's end, and keeps one of two duplicated properties): lengths within the packet,
 * reserved flags and bits, Will and Subscription QoS, properties that may appear once or must not be 0,
 * at least one filter in SUBSCRIBE and UNSUBSCRIBE. A packet that passes goes on to the decoder whole; the
 * first that fails becomes a failed message naming its reason, and nothing after it is read.
 * {@code docs/mqtt-conformance.md} lists each rule with its statement number.
 */
final class PacketCheck extends ByteToMessageDecoder {

    static final int USER_PROPERTY = 0x26;
    // Netty's encoder takes the protocol version from this channel attribute (MqttCodecUtil's own key)
    private static final AttributeKey<MqttVersion> MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
    private static final int SUBSCRIPTION_IDENTIFIER = 0x0B;

    private final int maxPacketSize;
    private int version = 4;
    private boolean connected;
    private boolean failed;

    PacketCheck(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    /** A broken rule, with the v5 reason code it calls for (0x81 malformed, 0x82 protocol error). */
    static final class Violation extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final byte reason;
        private final boolean version5;

        Violation(byte reason, String message, boolean version5) {
            super(message, null, false, false);
            this.reason = reason;
            this.version5 = version5;
        }

        byte reason() {
            return reason;
        }

        /** Whether the client's CONNECT said MQTT 5 (a refused CONNECT is answered in its version). */
        boolean version5() {
            return version5;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        while (!failed && in.isReadable()) {
            int start = in.readerIndex();
            long fixed = fixedHeader(in, start, out);
            if (fixed < 0) {
                return; // more bytes to come, or failed
            }
            int header = (int) (fixed >>> 32);
            int length = (int) fixed;
            if ((long) length + header > maxPacketSize) {
                fail(in, out, new TooLongFrameException("a packet of " + (length + header) + " bytes is larger than "
                        + maxPacketSize));
                return;
            }
            if (in.readableBytes() < header + length) {
                return;
            }
            try {
                check(in.getUnsignedByte(start), new PacketCursor(in, start + header, start + header + length));
            } catch (Violation e) {
                if (version == 5) {
                    // the CONNACK or DISCONNECT that answers is encoded as MQTT 5, as Netty's decoder would have set
                    context.channel().attr(MQTT_VERSION).set(MqttVersion.MQTT_5);
                }
                fail(in, out, new Violation(e.reason(), e.getMessage(), version == 5));
                return;
            }
            out.add(in.readRetainedSlice(header + length));
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        }
    }

    // the fixed header's length (high int) and the remaining length (low int), or -1: incomplete or malformed
    private long fixedHeader(ByteBuf in, int start, List<Object> out) {
        int length = 0;
        int header = 1;
        for (int shift = 0; ; shift += 7) {
            if (header > 4) {
                fail(in, out, malformed("the remaining length takes more than four bytes"));
                return -1;
            }
            if (start + header >= in.writerIndex()) {
                return -1;
            }
            int digit = in.getUnsignedByte(start + header++);
            length |= (digit & 0x7f) << shift;
            if ((digit & 0x80) == 0) {
                return (long) header << 32 | length;
            }
        }
    }

    private void fail(ByteBuf in, List<Object> out, Exception cause) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(new MqttMessage(null, null, null, DecoderResult.failure(cause)));
    }

    private void check(int first, PacketCursor body) {
        int type = first >> 4;
        int flags = first & 0x0f;
        switch (type) {
            case 1 -> connect(flags, body);
            case 3 -> publish(flags, body);
            case 4, 5, 7 -> acknowledgement(flags, 0, body);
            case 6 -> acknowledgement(flags, 2, body);
            case 8 -> subscribe(flags, body);
            case 10 -> unsubscribe(flags, body);
            case 12 -> {
                requireFlags(flags, 0, "PINGREQ");
                body.requireEnd("PINGREQ");
            }
            case 14 -> {
                requireFlags(flags, 0, "DISCONNECT");
                if (version < 5) {
                    body.requireEnd("DISCONNECT");
                } else if (body.remaining() > 1) {
                    body.u8();
                    properties(body, "DISCONNECT");
                    body.requireEnd("DISCONNECT");
                }
            }
            case 15 -> {
                if (version < 5) {
                    throw malformed("AUTH does not exist before MQTT 5");
                }
            }
            default -> throw malformed("packet type " + type + " is not sent by clients");
        }
    }

    // MQTT-3.1.2-1 .. -3, -11 .. -13, -22; 5.0: 3.1.2-11 .. -13, Receive Maximum / Maximum Packet Size not 0
    private void connect(int flags, PacketCursor body) {
        requireFlags(flags, 0, "CONNECT");
        body.string("protocol name");
        int level = body.u8();
        if (!connected && (level == 3 || level == 4 || level == 5)) {
            version = level; // a second CONNECT is the connection's to refuse, in the version of the first
        }
        connected = true;
        int connectFlags = body.u8();
        body.u16();
        connectFlags(connectFlags);
        boolean will = (connectFlags & 0x04) != 0;
        boolean user = (connectFlags & 0x80) != 0;
        boolean password = (connectFlags & 0x40) != 0;
        if (version == 5) {
            connectProperties(body);
        }
        body.string("client identifier");
        if (will) {
            if (version == 5) {
                properties(body, "the will");
            }
            body.string("will topic");
            body.binary("will payload");
        }
        if (user) {
            body.string("user name");
        }
        if (password) {
            body.binary("password");
        }
        body.requireEnd("CONNECT");
    }

    private void connectFlags(int flags) {
        if ((flags & 0x01) != 0) {
            throw malformed("the reserved CONNECT flag is set");
        }
        boolean will = (flags & 0x04) != 0;
        int willQos = (flags >> 3) & 0x03;
        if (willQos == 3) {
            throw malformed("Will QoS 3");
        }
        if (!will && (willQos != 0 || (flags & 0x20) != 0)) {
            throw malformed("Will QoS or Will Retain without a will");
        }
        if (version < 5 && (flags & 0x40) != 0 && (flags & 0x80) == 0) {
            throw malformed("a password without a user name");
        }
    }

    private void connectProperties(PacketCursor body) {
        int outer = body.enterProperties();
        long seen = 0;
        while (body.remaining() > 0) {
            int id = body.variableInteger();
            seen = once(seen, id, "CONNECT");
            switch (id) {
                case 0x21 -> {
                    if (body.u16() == 0) {
                        throw protocolError("Receive Maximum 0");
                    }
                }
                case 0x27 -> {
                    if (body.u32() == 0) {
                        throw protocolError("Maximum Packet Size 0");
                    }
                }
                case 0x17, 0x19 -> {
                    if (body.u8() > 1) {
                        throw protocolError("Request Problem or Response Information is neither 0 nor 1");
                    }
                }
                default -> body.skipProperty(id);
            }
        }
        body.leave(outer);
    }

    // MQTT-3.3.1-4 (QoS 3), 2.2.1-3 (packet identifier not 0), the topic within the packet
    private void publish(int flags, PacketCursor body) {
        int qos = (flags >> 1) & 0x03;
        if (qos == 3) {
            throw malformed("PUBLISH with QoS 3");
        }
        body.string("topic name");
        if (qos > 0 && body.u16() == 0) {
            throw malformed("packet identifier 0");
        }
        // MQTT-3.3.4-6: a Subscription Identifier is the server's to send
        if (version == 5 && (properties(body, "PUBLISH") & 1L << SUBSCRIPTION_IDENTIFIER) != 0) {
            throw protocolError("a Subscription Identifier in a PUBLISH from a client");
        }
    }

    // MQTT-3.8.1-1, 3.8.3-2/-3 (at least one filter), 3.8.3-4/-5 (reserved option bits), QoS 3, Retain Handling 3
    private void subscribe(int flags, PacketCursor body) {
        requireFlags(flags, 2, "SUBSCRIBE");
        packetIdentifier(body);
        if (version == 5) {
            properties(body, "SUBSCRIBE");
        }
        if (body.remaining() == 0) {
            throw protocolError("SUBSCRIBE without a topic filter");
        }
        while (body.remaining() > 0) {
            body.string("topic filter");
            int options = body.u8();
            if ((options & 0x03) == 3) {
                throw malformed("subscription QoS 3");
            }
            if (version < 5 && (options & 0xfc) != 0 || version == 5 && (options & 0xc0) != 0) {
                throw malformed("reserved subscription option bits are set");
            }
            if (version == 5 && ((options >> 4) & 0x03) == 3) {
                throw protocolError("Retain Handling 3");
            }
        }
    }

    // MQTT-3.10.1-1, 3.10.3-2 (at least one filter)
    private void unsubscribe(int flags, PacketCursor body) {
        requireFlags(flags, 2, "UNSUBSCRIBE");
        packetIdentifier(body);
        if (version == 5) {
            properties(body, "UNSUBSCRIBE");
        }
        if (body.remaining() == 0) {
            throw protocolError("UNSUBSCRIBE without a topic filter");
        }
        while (body.remaining() > 0) {
            body.string("topic filter");
        }
    }

    private void acknowledgement(int flags, int required, PacketCursor body) {
        requireFlags(flags, required, "an acknowledgement");
        packetIdentifier(body);
        if (version < 5) {
            body.requireEnd("an acknowledgement");
        } else if (body.remaining() > 0) {
            body.u8();
            if (body.remaining() > 0) {
                properties(body, "an acknowledgement");
            }
            body.requireEnd("an acknowledgement");
        }
    }

    private static void packetIdentifier(PacketCursor body) {
        if (body.u16() == 0) {
            throw malformed("packet identifier 0");
        }
    }

    // every property but User Property appears at most once; returns those seen, one bit each
    private static long properties(PacketCursor body, String where) {
        int outer = body.enterProperties();
        long seen = 0;
        while (body.remaining() > 0) {
            int id = body.variableInteger();
            seen = once(seen, id, where);
            body.skipProperty(id);
        }
        body.leave(outer);
        return seen;
    }

    // property ids are below 64: one bit each
    private static long once(long seen, int id, String where) {
        if (id == USER_PROPERTY || id >= 64) {
            return seen;
        }
        if ((seen & 1L << id) != 0) {
            throw protocolError("property 0x" + Integer.toHexString(id) + " appears twice in " + where);
        }
        return seen | 1L << id;
    }

    // MQTT-2.2.2-2: the flags of every packet but PUBLISH are fixed
    private static void requireFlags(int flags, int required, String packet) {
        if (flags != required) {
            throw malformed("reserved flags of " + packet + " are " + flags + ", not " + required);
        }
    }

    static Violation malformed(String message) {
        return new Violation(ReasonCodes.MALFORMED, message, false);
    }

    static Violation protocolError(String message) {
        return new Violation(ReasonCodes.PROTOCOL_ERROR, message, false);
    }
}
