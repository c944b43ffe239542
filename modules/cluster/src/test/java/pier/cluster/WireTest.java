package pier.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import pier.engine.Replication;
import pier.resource.MessageRelay;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WireTest {

    @Test
    void aChangeAndADeletionComeBackAsTheyWent() {
        Replication.Change put = new Replication.Change(42, "Dog", "7 é", 1_765_000_000_000_123L, "node-a", true,
                new byte[] {1, 2, 3});
        Replication.Change read = Wire.change(Wire.change(put));
        assertThat(List.of(read.position(), read.table(), read.id(), read.version(), read.origin(), read.opaque()),
                is(List.of(42L, "Dog", "7 é", 1_765_000_000_000_123L, "node-a", true)));
        assertArrayEquals(put.body(), read.body());
        Replication.Change deletion = new Replication.Change(43, "$users", "ann", 5, "b", false, null);
        assertThat(Wire.change(Wire.change(deletion)).body() == null, is(true));
    }

    @Test
    void aMessageKeepsItsTopicQosRetainFormatAndBytes() {
        MessageRelay.Relayed sent = new MessageRelay.Relayed("mqtt", "sensors/α/1", 1, true, Optional.of("text/plain"),
                "21.5".getBytes(StandardCharsets.UTF_8), new byte[] {9, 8});
        MessageRelay.Relayed read = Wire.relayed("mqtt", Wire.relayed(sent));
        assertThat(List.of(read.topic(), read.qos(), read.retain(), read.contentType()),
                is(List.of("sensors/α/1", 1, true, Optional.of("text/plain"))));
        assertArrayEquals(sent.payload(), read.payload());
        assertArrayEquals(sent.extra(), read.extra());
        MessageRelay.Relayed untyped = new MessageRelay.Relayed("table", "Dog/7", 0, false, Optional.empty(),
                new byte[0]);
        assertThat(Wire.relayed("table", Wire.relayed(untyped)).contentType(), is(Optional.empty()));
    }

    @Test
    void aSnapshotPageAndItsRequestCarryWhereToGoOn() {
        Replication.Page page = new Replication.Page(List.of(new Replication.Change(0, "Dog", "1", 9, "a", false,
                new byte[] {7})), Optional.of(new byte[] {0, 1}));
        Replication.Page read = Wire.page(Wire.page(page));
        assertThat(read.changes().getFirst().id(), is("1"));
        assertArrayEquals(new byte[] {0, 1}, read.next().orElseThrow());
        Wire.PageRequest request = Wire.pageRequest(Wire.pageRequest(new Wire.PageRequest("Dog", true,
                Optional.empty())));
        assertThat(List.of(request.table(), request.tombstones(), request.after().isPresent()),
                is(List.of("Dog", true, false)));
        assertThat(Wire.position(Wire.position(new Wire.Position("c", 1234))), is(new Wire.Position("c", 1234)));
    }

    @Test
    void bytesThatAreNoChangeAreRefusedWithAClearError() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Wire.change(new byte[] {0, 1, 2}));
        assertThat(refused.getMessage(), containsString("does not decode"));
    }
}
