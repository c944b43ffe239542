package pier.codec.csv;

import java.io.OutputStream;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import pier.codec.Codec;
import pier.codec.CodecException;
import pier.codec.CollectionWriter;

/**
 * CSV: a header row, then one row per record. Encoding a single value writes it as a one-row collection;
 * an array writes its elements as rows. As input, only a collection's import reads it, row by row.
 */
final class CsvCodec implements Codec {

    @Override
    public List<String> mediaTypes() {
        return List.of("text/csv");
    }

    @Override
    public int preference() {
        return 0;
    }

    @Override
    public boolean decodes() {
        return false;
    }

    @Override
    public JsonNode decode(byte[] bytes) {
        throw CodecException.unsupported("text/csv is read by a collection's import (PUT /T/) only; send a "
                + "record as application/json, application/cbor or application/x-msgpack");
    }

    @Override
    public byte[] encode(JsonNode value) {
        return CollectionWriter.rows(this, value);
    }

    @Override
    public boolean readsRows() {
        return true;
    }

    @Override
    public pier.codec.CollectionReader collectionReader(java.io.InputStream in, int maxElementBytes) {
        return new CsvRowReader(in, maxElementBytes);
    }

    @Override
    public CollectionWriter collectionWriter(OutputStream out, long count) {
        return new CsvRowWriter(out);
    }
}
