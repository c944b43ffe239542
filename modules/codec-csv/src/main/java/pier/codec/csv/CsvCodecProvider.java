package pier.codec.csv;

import pier.codec.Codec;
import pier.codec.CodecLimits;
import pier.codec.spi.CodecProvider;

/** Provides {@code text/csv}, an output-only format chosen only when a client asks for it. */
public final class CsvCodecProvider implements CodecProvider {

    @Override
    public Codec create(CodecLimits limits) {
        return new CsvCodec();
    }
}
