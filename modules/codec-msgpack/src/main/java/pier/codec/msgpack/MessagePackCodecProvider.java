package pier.codec.msgpack;

import pier.codec.Codec;
import pier.codec.CodecLimits;
import pier.codec.spi.CodecProvider;

/**
 * Provides {@code application/x-msgpack}, also answering to the {@code application/msgpack} and
 * {@code application/vnd.msgpack} names that clients use.
 */
public final class MessagePackCodecProvider implements CodecProvider {

    @Override
    public Codec create(CodecLimits limits) {
        return new MessagePackCodec(limits);
    }
}
