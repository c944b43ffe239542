package pier.studio;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StudioOptionsTest {

    @Test
    void readsTheOptionsAndThePasswordFromTheEnvironment() {
        StudioOptions options = StudioOptions.parse(List.of("--url", "db.example:7000", "--user", "ann"), "pw");
        assertThat(options.url(), is("db.example:7000"));
        assertThat(options.password(), is("pw"));
        assertThat(options.connectAtStart(), is(true));
        assertThat(StudioOptions.parse(List.of(), null).connectAtStart(), is(false));
        assertThat(StudioOptions.parse(List.of(), null).url(), is(StudioOptions.DEFAULT_URL));
        assertThat(StudioOptions.parse(List.of(), null).profiles().endsWith("pier-studio/profiles.json"), is(true));
        assertThat(StudioOptions.parse(List.of("--profiles", "/tmp/p.json"), null).profiles().toString(),
                is("/tmp/p.json"));
    }

    @Test
    void refusesUnknownOrIncompleteOptions() {
        assertThrows(IllegalArgumentException.class, () -> StudioOptions.parse(List.of("--port", "1"), null));
        assertThrows(IllegalArgumentException.class, () -> StudioOptions.parse(List.of("--url"), null));
    }
}
