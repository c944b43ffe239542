package pier.codec.cbor;

import java.util.List;

import org.junit.jupiter.api.Test;

import pier.codec.Codec;
import pier.codec.CodecLimits;
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
}
