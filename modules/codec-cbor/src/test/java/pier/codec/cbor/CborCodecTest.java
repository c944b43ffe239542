package pier.codec.cbor;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import org.junit.jupiter.api.Test;

import pier.codec.Codec;
import pier.codec.CodecLimits;
import pier.codec.DateNode;
import pier.codec.testing.CodecContract;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class CborCodecTest extends CodecContract {

    @Override
    protected Codec codec(CodecLimits limits) {
        return new CborCodecProvider().create(limits);
    }

    @Override
    protected List<byte[]> malformedInputs() {
        return List.of(
                bytes(0xff),                              // break outside an indefinite-length item
                bytes(0x1c),                              // reserved additional information
                bytes(0x62, 0xc3, 0x28),                  // text string that is not UTF-8
                bytes(0xa1, 0x61, 0x61),                  // map entry without its value
                bytes(0x9f, 0x01, 0x02),                  // indefinite array never closed
                bytes(0xa1, 0x61, 0x61, 0xf9, 0x7c, 0x00),  // an infinity (half float), which JSON cannot carry
                bytes(0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0)); // NaN (double)
    }

    @Override
    protected List<byte[]> lyingLengthInputs() {
        return List.of(
                bytes(0x7a, 0x7f, 0xff, 0xff, 0xff, 0x61),   // text string of 2 GiB
                bytes(0x5a, 0x7f, 0xff, 0xff, 0xff, 0x00),   // byte string of 2 GiB
                bytes(0x9a, 0x7f, 0xff, 0xff, 0xff, 0x01),   // array of 2^31 elements
                bytes(0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x61, 0x61));  // map of 2^63 pairs
    }

    @Test
    void isTheServersFirstChoice() {
        Codec codec = codec(CodecLimits.DEFAULT);
        assertThat(codec.mediaType(), is("application/cbor"));
        assertThat(codec.preference(), is(3));
    }

    @Test
    void aDateIsTagOneSecondsAndComesBackADate() {
        Codec cbor = codec(CodecLimits.DEFAULT);
        DateNode whole = DateNode.of(Instant.parse("2026-01-01T00:00:00Z"));
        byte[] encoded = cbor.encode(JsonNodeFactory.instance.objectNode().set("at", whole));
        // {"at": 1(1767225600)}: tag 1 (0xc1), then an unsigned integer of 4 bytes (0x1a)
        assertThat(HexFormat.of().formatHex(encoded), is("a1626174c11a6955b900"));
        assertThat(cbor.decode(encoded).get("at"), is(whole));
        DateNode fraction = DateNode.of(Instant.parse("2026-01-01T00:00:00.250Z"));
        assertThat(cbor.decode(cbor.encode(fraction)), is(fraction));
    }

    @Test
    void tagZeroTextIsADateTooAndAnyOtherTagKeepsItsValue() {
        Codec cbor = codec(CodecLimits.DEFAULT);
        byte[] text = "2026-01-01T00:00:00Z".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] tagged = new byte[2 + text.length];
        tagged[0] = (byte) 0xc0;
        tagged[1] = (byte) (0x60 + text.length);
        System.arraycopy(text, 0, tagged, 2, text.length);
        assertThat(cbor.decode(tagged), is(DateNode.of(Instant.parse("2026-01-01T00:00:00Z"))));
        // tag 32 (a URI) on text: the text, untagged
        assertThat(cbor.decode(bytes(0xd8, 0x20, 0x61, 0x61)).asText(), is("a"));
    }
}
