package pier.engine;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.junit.jupiter.api.Test;

import pier.query.ValueOrder;

/** Index keys sort in byte order exactly as values sort in {@link ValueOrder}. */
class IndexKeysTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void byteOrderIsValueOrder() {
        Random random = new Random(42);
        List<JsonNode> values = new ArrayList<>(List.of(NODES.nullNode(), NODES.booleanNode(false),
                NODES.booleanNode(true), MissingNode.getInstance(), NODES.textNode(""), NODES.textNode("\u0000"),
                NODES.textNode("a\u0000b"), NODES.textNode("a"), NODES.textNode("\uD83D\uDC15"),
                NODES.textNode("\uFFFD"), NODES.numberNode(-0.0), NODES.numberNode(0), NODES.numberNode(Double.MAX_VALUE),
                NODES.numberNode(-Double.MAX_VALUE), NODES.numberNode(Long.MIN_VALUE), NODES.objectNode().put("a", 1)));
        for (int i = 0; i < 2_000; i++) {
            values.add(switch (random.nextInt(4)) {
                case 0 -> NODES.numberNode(random.nextInt(2_000_001) - 1_000_000);
                case 1 -> NODES.numberNode(random.nextGaussian() * 1e6);
                case 2 -> NODES.textNode(randomString(random));
                default -> NODES.numberNode(random.nextLong() >> 12);
            });
        }
        List<JsonNode> byValue = new ArrayList<>(values);
        byValue.sort(ValueOrder::compare);
        List<JsonNode> byBytes = new ArrayList<>(values);
        byBytes.sort((a, b) -> Arrays.compareUnsigned(IndexKeys.value(a), IndexKeys.value(b)));
        for (int i = 0; i < values.size(); i++) {
            assertThat("position " + i, ValueOrder.compare(byValue.get(i), byBytes.get(i)), is(0));
        }
    }

    @Test
    void theValueEndsWhereThePrimaryKeyBegins() {
        byte[] key = {0, (byte) 0xff, 7};
        for (JsonNode value : List.of(NODES.textNode("a\u0000"), NODES.numberNode(3.5), NODES.nullNode(),
                MissingNode.getInstance(), NODES.textNode("x".repeat(2_000)))) {
            byte[] entry = IndexKeys.entry(IndexKeys.value(value), key);
            assertThat(IndexKeys.primaryKey(entry), equalTo(key));
        }
    }

    private static String randomString(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(6);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(switch (random.nextInt(4)) {
                case 0 -> 'a' + random.nextInt(3);
                case 1 -> random.nextInt(3);
                case 2 -> 0xE000 + random.nextInt(0x1FFF);
                default -> 0x1F400 + random.nextInt(64);
            });
        }
        return text.toString();
    }
}
