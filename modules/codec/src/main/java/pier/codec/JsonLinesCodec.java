package pier.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import pier.codec.spi.JacksonCodec;

/**
 * JSON Lines ({@code application/x-ndjson}): a record a line, so that an export of any size is written,
 * and read back, one line at a time ({@code PUT /T/} with this type imports it). Never chosen unless
 * asked for by name; as input, only a collection's import takes it.
 */
final class JsonLinesCodec implements Codec {

    static final String MEDIA_TYPE = "application/x-ndjson";

    private final JacksonCodec json;

    JsonLinesCodec(JacksonCodec json) {
        this.json = json;
    }

    @Override
    public List<String> mediaTypes() {
        return List.of(MEDIA_TYPE, "application/jsonl");
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
        throw CodecException.unsupported(MEDIA_TYPE + " is read by a collection's import (PUT /T/) only; send "
                + "a record as application/json, application/cbor or application/x-msgpack");
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
    public CollectionReader collectionReader(java.io.InputStream in, int maxElementBytes) {
        return new JsonLinesReader(in, json, maxElementBytes);
    }

    @Override
    public CollectionWriter collectionWriter(OutputStream out, long count) {
        return new CollectionWriter() {
            @Override
            public void write(JsonNode element) {
                json.encodeTo(element, out);
                try {
                    out.write('\n');
                } catch (IOException e) {
                    throw CodecException.unrepresentable("cannot write a line: " + e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw CodecException.unrepresentable("cannot finish the lines: " + e.getMessage(), e);
                }
            }
        };
    }
}
