/**
 * Pier's value model and wire formats: values are Jackson trees, each format is a {@link pier.codec.Codec}
 * found through {@link pier.codec.spi.CodecProvider}, and {@link pier.codec.CodecRegistry} negotiates
 * between them. JSON is built in; CBOR, MessagePack and CSV come as provider modules.
 */
module pier.codec {
    requires transitive com.fasterxml.jackson.databind;
    requires io.helidon.http;

    exports pier.codec;
    exports pier.codec.spi;

    uses pier.codec.spi.CodecProvider;
}
