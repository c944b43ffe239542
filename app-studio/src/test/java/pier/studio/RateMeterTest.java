package pier.studio;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class RateMeterTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void reportsWhatCameBetweenTwoReadingsPerSecond() {
        RateMeter meter = new RateMeter(9 * SECOND);
        assertThat(meter.rate(10 * SECOND), is(0.0));
        for (int i = 0; i < 7; i++) {
            meter.record();
        }
        assertThat(meter.rate(11 * SECOND), is(7.0));
        assertThat(meter.rate(12 * SECOND), is(0.0));
    }

    @Test
    void aLateReadingStillCountsTheBurstBeforeIt() {
        RateMeter meter = new RateMeter(0);
        for (int i = 0; i < 300; i++) {
            meter.record();
        }
        // a first reading two seconds late: the burst that came before it is in it, over the time it covers
        assertThat(meter.rate(2 * SECOND), is(150.0));
    }
}
