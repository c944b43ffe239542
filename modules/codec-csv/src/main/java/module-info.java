/** CSV output and import of collections for Pier, on jackson-dataformat-csv. Exports nothing: it only provides its codec. */
module pier.codec.csv {
    requires pier.codec;
    requires com.fasterxml.jackson.dataformat.csv;

    provides pier.codec.spi.CodecProvider with pier.codec.csv.CsvCodecProvider;
}
