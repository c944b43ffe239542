/** CBOR (RFC 8949) for Pier, on jackson-dataformat-cbor. Exports nothing: it only provides its codec. */
module pier.codec.cbor {
    requires pier.codec;
    requires com.fasterxml.jackson.dataformat.cbor;

    provides pier.codec.spi.CodecProvider with pier.codec.cbor.CborCodecProvider;
}
