package pier.codec.csv;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import pier.codec.Codec;
import pier.codec.CodecException;
import pier.codec.CodecLimits;
import pier.codec.CollectionReader;
import pier.codec.CollectionWriter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CsvCodecTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Codec codec = new CsvCodecProvider().create(CodecLimits.DEFAULT);

    @Test
    void writesAHeaderThenOneRowPerRecord() {
        ArrayNode records = NODES.arrayNode();
        records.add(NODES.objectNode().put("id", "1").put("name", "Rex").put("age", 3));
        records.add(NODES.objectNode().put("id", "2").put("age", 4));
        records.add(NODES.objectNode().put("id", "3").put("name", "say \"hi\", then go").putNull("age"));
        assertThat(text(codec.encode(records)), is("""
                "id","name","age"
                "1","Rex",3
                "2",,4
                "3","say ""hi"", then go",
                """));
    }

    @Test
    void writesNestedValuesAsJsonTextAndScalarsInAValueColumn() {
        ObjectNode record = NODES.objectNode().put("id", "1").put("ok", true);
        record.putObject("owner").put("name", "Ann");
        assertThat(text(codec.encode(record)), is("""
                "id","ok","owner"
                "1",true,"{""name"":""Ann""}"
                """));
        assertThat(text(codec.encode(NODES.arrayNode().add(1).add("two"))), is("""
                "value"
                1
                "two"
                """));
    }

    @Test
    void streamsRowsAndLeavesTheOutputOpen() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CollectionWriter rows = codec.collectionWriter(out, 2)) {
            rows.write(NODES.objectNode().put("a", 1));
            rows.write(NODES.objectNode().put("a", 2));
        }
        out.writeBytes("end".getBytes(StandardCharsets.UTF_8));
        assertThat(text(out.toByteArray()), is("\"a\"\n1\n2\nend"));
    }

    @Test
    void readsRowsBackAsTextCellsWithTheirLines() {
        byte[] csv = text(codec.encode(NODES.arrayNode()
                .add(NODES.objectNode().put("id", "1").put("name", "say \"hi\", then\ngo").put("age", 3))
                .add(NODES.objectNode().put("id", "2").putNull("name").put("age", 4)))).getBytes(StandardCharsets.UTF_8);
        CollectionReader rows = codec.collectionReader(new java.io.ByteArrayInputStream(csv), 1_000);
        assertThat(rows.textOnly(), is(true));
        assertThat(rows.next().orElseThrow().toString(), is("{\"id\":\"1\",\"name\":\"say \\\"hi\\\", then\\ngo\",\"age\":\"3\"}"));
        assertThat(rows.line(), is(2L));
        assertThat(rows.next().orElseThrow().toString(), is("{\"id\":\"2\",\"age\":\"4\"}")); // empty: left out
        assertThat(rows.line(), is(4L));
        assertThat(rows.next().isPresent(), is(false));
    }

    @Test
    void aRowOfTooManyCellsOrACellOverTheLimitIsRefusedWithItsLine() {
        CollectionReader wide = codec.collectionReader(new java.io.ByteArrayInputStream(
                "a,b\n1,2\n1,2,3\n".getBytes(StandardCharsets.UTF_8)), 1_000);
        wide.next();
        CodecException tooMany = assertThrows(CodecException.class, wide::next);
        assertThat(tooMany.kind(), is(CodecException.Kind.MALFORMED));
        assertThat(tooMany.getMessage().startsWith("line 3: "), is(true));
        CollectionReader large = codec.collectionReader(new java.io.ByteArrayInputStream(
                ("a\n" + "x".repeat(5_000) + "\n").getBytes(StandardCharsets.UTF_8)), 1_000);
        assertThat(assertThrows(CodecException.class, large::next).kind(), is(CodecException.Kind.TOO_LARGE));
    }

    @Test
    void decodesOnlyAsRows() {
        assertThat(codec.decodes(), is(false));
        assertThat(codec.readsRows(), is(true));
        CodecException e = assertThrows(CodecException.class, () -> codec.decode("a,b".getBytes(StandardCharsets.UTF_8)));
        assertThat(e.kind(), is(CodecException.Kind.UNSUPPORTED_MEDIA_TYPE));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
