package pier.codec.cbor;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

import pier.codec.Codec;
import pier.codec.CodecLimits;
import pier.codec.spi.CodecProvider;
import pier.codec.spi.JacksonCodec;

/** Provides {@code application/cbor}, the server's first choice at equal client quality. */
public final class CborCodecProvider implements CodecProvider {

    @Override
    public Codec create(CodecLimits limits) {
        return new JacksonCodec(new CBORMapper(), new CborDates(), limits, 3, "application/cbor");
    }
}
