package pcmshare.core.api.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A skewed clock's deadlines are converted to the base clock without overflow: never early. */
class SkewedClockTest {

    @Test
    void skewedTimer_deadlineNearLongMax_neverFiresEarly() {
        for (long ppm : new long[] {-999_999, -100, 100, 999_999}) {
            ManualClock base = new ManualClock(1_000);
            Clock skewed = base.skewed(ppm);
            List<Long> fired = new ArrayList<>();
            skewed.schedule(Long.MAX_VALUE - 1, () -> fired.add(base.nanoTime()));
            Clock.Timer t = skewed.newTimer(() -> fired.add(-base.nanoTime()));
            t.schedule(Long.MAX_VALUE / 2);
            base.advance(1_000_000_000_000L);
            assertThat(fired).as("fired at " + ppm + " ppm").isEmpty();
        }
    }

    @Test
    void skewedClock_slowestSkew_convertsDeadlinesExactly() {
        ManualClock base = new ManualClock(1_000);
        Clock slow = base.skewed(-999_999);
        List<Long> fired = new ArrayList<>();
        // at -999999 ppm the skewed clock gains 1 ns per ms of base time
        slow.schedule(slow.nanoTime() + 3, () -> fired.add(base.nanoTime()));
        base.advance(2_999_999);
        assertThat(fired).isEmpty();
        base.advance(1);
        assertThat(fired).containsExactly(1_000 + 3_000_000L);
        assertThat(slow.nanoTime()).isEqualTo(1_003);
    }
}
