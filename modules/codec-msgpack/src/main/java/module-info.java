/** MessagePack for Pier, on msgpack-java's Jackson format. Exports nothing: it only provides its codec. */
module pier.codec.msgpack {
    requires pier.codec;
    requires msgpack.core;
    requires jackson.dataformat.msgpack;

    provides pier.codec.spi.CodecProvider with pier.codec.msgpack.MessagePackCodecProvider;
}
