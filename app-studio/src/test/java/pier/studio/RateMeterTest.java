package pier.studio;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class RateMeterTest {

    @Test
    void reportsTheLastWholeSecond() {
        RateMeter meter = new RateMeter();
        for (int i = 0; i < 7; i++) {
            meter.record(10_000 + i * 100);
        }
        meter.record(11_500);
        assertThat(meter.rate(11_900), is(7L));
        assertThat(meter.rate(12_100), is(1L));
        assertThat(meter.rate(13_000), is(0L));
    }

    @Test
    void forgetsASecondSixtySecondsOld() {
        RateMeter meter = new RateMeter();
        meter.record(5_000);
        assertThat(meter.rate(66_000), is(0L));
    }
}
