package pier.codec.msgpack;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import org.junit.jupiter.api.Test;

import pier.codec.Codec;
import pier.codec.CodecLimits;
import pier.codec.DateNode;
import pier.codec.testing.CodecContract;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

class MessagePackCodecTest extends CodecContract {

    @Override
    protected Codec codec(CodecLimits limits) {
        return new MessagePackCodecProvider().create(limits);
    }

    @Override
    protected List<byte[]> malformedInputs() {
        return List.of(
                bytes(0xc1),                              // the one byte MessagePack never uses
                bytes(0x81, 0xa1, 0x61),                  // map entry without its value
                bytes(0x92, 0x01),                        // array missing an element
                bytes(0x81, 0xa3, 'a', 'g', 'e', 0xd4, 0x05, 0x01), // an extension type (fixext1, type 5)
                bytes(0xc7, 0x01, 0xff, 0x00),            // a timestamp (ext8, type -1) of 1 byte, not 4, 8 or 12
                bytes(0xa2, 0xff, 0xfe),                  // a string that is not UTF-8
                bytes(0x81, 0xa2, 0xc0, 0xaf, 0x01),      // an overlong UTF-8 '/' as a map key
                bytes(0x91, 0xa1, 0x80),                  // a lone continuation byte inside an array
                bytes(0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0)); // an infinity (float 64), which JSON cannot carry
    }

    @Override
    protected List<byte[]> lyingLengthInputs() {
        return List.of(
                bytes(0xdb, 0x7f, 0xff, 0xff, 0xff, 0x61),   // str32 of 2 GiB
                bytes(0xc6, 0x7f, 0xff, 0xff, 0xff, 0x00),   // bin32 of 2 GiB
                bytes(0xdd, 0x7f, 0xff, 0xff, 0xff, 0x01),   // array32 of 2^31 elements
                bytes(0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 0x61)); // map32 of 2^32 pairs
    }

    @Test
    void answersToEveryNameClientsUse() {
        assertThat(codec(CodecLimits.DEFAULT).mediaTypes(),
                contains("application/x-msgpack", "application/msgpack", "application/vnd.msgpack"));
    }

    @Test
    void aDateIsTheTimestampExtensionInItsShortestLayout() throws Exception {
        Codec msgpack = codec(CodecLimits.DEFAULT);
        DateNode whole = DateNode.of(Instant.parse("2026-01-01T00:00:00Z"));
        // fixext4 (0xd6), type -1, 32 bits of seconds
        assertThat(HexFormat.of().formatHex(msgpack.encode(whole)), is("d6ff6955b900"));
        DateNode fraction = DateNode.of(Instant.parse("2026-01-01T00:00:00.250Z"));
        assertThat(msgpack.encode(fraction)[0], is((byte) 0xd7));
        assertThat(msgpack.decode(msgpack.encode(fraction)), is(fraction));
        DateNode early = DateNode.of(Instant.parse("1969-07-20T20:17:40.500Z"));
        assertThat(msgpack.encode(early)[0], is((byte) 0xc7));
        assertThat(msgpack.decode(msgpack.encode(early)), is(early));
    }

    @Test
    void aTimestampMsgpackCoreWroteIsReadAsADate() throws Exception {
        Instant instant = Instant.parse("2026-03-04T05:06:07.089Z");
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            packer.packMapHeader(1).packString("at").packTimestamp(instant);
            packer.flush();
            assertThat(codec(CodecLimits.DEFAULT).decode(packer.toByteArray()).get("at"), is(DateNode.of(instant)));
        }
    }
}
