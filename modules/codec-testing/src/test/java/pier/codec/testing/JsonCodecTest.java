package pier.codec.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import pier.codec.Codec;
import pier.codec.CodecException;
import pier.codec.CodecLimits;
import pier.codec.CodecRegistry;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonCodecTest extends CodecContract {

    @Override
    protected Codec codec(CodecLimits limits) {
        return CodecRegistry.of(limits, List.of()).json();
    }

    @Override
    protected List<byte[]> malformedInputs() {
        return List.of(bytes("{\"a\":}"), bytes("{'a':1}"), bytes("[1,2,,]"), bytes("{\"a\":1,\"a\":2}"),
                bytes("tru"), bytes("\"unterminated"), bytes("{\"a\":1}}"), bytes("NaN"), bytes("{\"a\":1e999}"),
                bytes("[-6.7e7787]"),
                new byte[] {'"', (byte) 0xc3, (byte) 0x28, '"'});
    }

    @Override
    protected List<byte[]> lyingLengthInputs() {
        // JSON has no length headers; an unclosed huge-looking string is still bounded by the input
        return List.of(bytes("\"" + "a".repeat(1000)));
    }

    @Override
    protected byte[] binaryOf(JsonNode value) {
        return Base64.getDecoder().decode(value.asText());
    }

    @Test
    void reportsTheOffsetOfASyntaxError() {
        CodecException e = assertThrows(CodecException.class,
                () -> codec(CodecLimits.DEFAULT).decode(bytes("{\"name\": \"Rex\", age: 3}")));
        assertThat(e.kind(), is(CodecException.Kind.MALFORMED));
        assertThat(e.offset(), is(16L));
        assertThat(e.getMessage(), containsString("field name"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
