package pier.codec.spi;

import pier.codec.Codec;
import pier.codec.CodecLimits;

/**
 * {@link java.util.ServiceLoader} provider of one wire format. Provider modules declare it with
 * {@code provides pier.codec.spi.CodecProvider with ...} in their {@code module-info.java}.
 */
public interface CodecProvider {

    /**
     * Creates the codec.
     *
     * @param limits the input limits the codec must enforce
     * @return a thread-safe codec
     */
    Codec create(CodecLimits limits);
}
