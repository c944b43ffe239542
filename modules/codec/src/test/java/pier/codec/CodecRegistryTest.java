package pier.codec;

import java.io.OutputStream;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import pier.codec.spi.CodecProvider;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CodecRegistryTest {

    private final CodecRegistry registry = CodecRegistry.of(CodecLimits.DEFAULT, List.of(
            fake(3, "application/cbor"),
            fake(2, "application/x-msgpack", "application/msgpack", "application/vnd.msgpack"),
            fake(0, "text/csv")));

    @Test
    void jsonWritesCharactersBeyondTheBmpAsUtf8() {
        byte[] dog = registry.json().encode(com.fasterxml.jackson.databind.node.TextNode.valueOf("\uD83D\uDC15"));
        assertThat(new String(dog, java.nio.charset.StandardCharsets.UTF_8), is("\"\uD83D\uDC15\""));
        assertThat(registry.json().decode(dog).textValue(), is("\uD83D\uDC15"));
    }

    @Test
    void noAcceptMeansJson() {
        assertThat(chosen(""), is("application/json"));
    }

    @Test
    void atEqualQualityTheServerPrefersCborThenMessagePackThenJson() {
        assertThat(chosen("application/json, application/cbor"), is("application/cbor"));
        assertThat(chosen("application/x-msgpack, application/json"), is("application/x-msgpack"));
        assertThat(chosen("application/json, application/msgpack;q=1.0"), is("application/x-msgpack"));
    }

    @Test
    void theClientsQualityComesFirst() {
        assertThat(chosen("application/json;q=0.5, application/cbor;q=0.1"), is("application/json"));
        assertThat(chosen("application/cbor;q=0.2, text/csv"), is("text/csv"));
    }

    @Test
    void wildcardsChooseJson() {
        assertThat(chosen("*/*"), is("application/json"));
        assertThat(chosen("application/*"), is("application/json"));
        assertThat(chosen("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                is("application/json"));
        assertThat(chosen("text/*"), is("text/csv"));
    }

    @Test
    void anExplicitTypeBeatsAWildcardAtEqualQuality() {
        assertThat(chosen("*/*, application/x-msgpack"), is("application/x-msgpack"));
    }

    @Test
    void theMostSpecificRangeSetsTheQuality() {
        assertThat(chosen("application/json;q=0, */*"), is("application/cbor"));
        assertThat(chosen("application/*;q=0.1, application/cbor;q=0"), is("application/json"));
    }

    @Test
    void typeNamesAreCaseInsensitiveAndParametersIgnored() {
        assertThat(chosen("Application/CBOR; charset=utf-8"), is("application/cbor"));
        assertThat(registry.forContentType("APPLICATION/JSON; charset=UTF-8").orElseThrow().mediaType(),
                is("application/json"));
        assertThat(registry.forContentType("application/vnd.msgpack").orElseThrow().mediaType(),
                is("application/x-msgpack"));
    }

    @Test
    void unknownOrUnparseableContentTypesFindNothing() {
        assertThat(registry.forContentType("text/calendar").isPresent(), is(false));
        assertThat(registry.forContentType(";;;").isPresent(), is(false));
    }

    @Test
    void notAcceptableListsTheSupportedTypes() {
        for (String accept : List.of("text/html", "application/xml", "image/*", "application/json;q=0")) {
            CodecException e = assertThrows(CodecException.class, () -> registry.negotiate(accept));
            assertThat(e.kind(), is(CodecException.Kind.UNSUPPORTED_MEDIA_TYPE));
            assertThat(e.getMessage(), containsString("application/cbor, application/x-msgpack"));
        }
    }

    @Test
    void twoCodecsForOneTypeFailLoudly() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CodecRegistry.of(CodecLimits.DEFAULT, List.of(fake(5, "application/json"))));
        assertThat(e.getMessage(), containsString("application/json"));
    }

    private String chosen(String accept) {
        return registry.negotiate(accept).mediaType();
    }

    private static CodecProvider fake(int preference, String... types) {
        return limits -> new Codec() {
            @Override
            public List<String> mediaTypes() {
                return List.of(types);
            }

            @Override
            public int preference() {
                return preference;
            }

            @Override
            public boolean decodes() {
                return false;
            }

            @Override
            public JsonNode decode(byte[] bytes) {
                throw new UnsupportedOperationException();
            }

            @Override
            public byte[] encode(JsonNode value) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CollectionWriter collectionWriter(OutputStream out, long count) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
