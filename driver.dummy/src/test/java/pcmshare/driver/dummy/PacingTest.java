package pcmshare.driver.dummy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The position arithmetic: exact, monotonic, and its deadlines are the first instants a position is reached. */
class PacingTest {

    @ParameterizedTest
    @EnumSource(TimerMode.class)
    void deadlineIsTheFirstInstantTheFramesAreReached(TimerMode mode) {
        SplittableRandom random = new SplittableRandom(6);
        int[] rates = { 5_500, 8_000, 44_100, 48_000, 96_000, 192_000, 352_800 };
        int[] hzs = { 100, 250, 300, 1000 };
        for (int i = 0; i < 20_000; i++) {
            int rate = rates[random.nextInt(rates.length)];
            Pacing p = Pacing.of(mode, rate, hzs[random.nextInt(hzs.length)]);
            // monotonic clocks may read negative or far from 0
            long start = random.nextLong(-(1L << 62), 1L << 62);
            long frames = 1 + random.nextLong(rate * 100_000L);
            long deadline = p.deadline(start, frames);
            assertThat(p.frames(start, deadline)).as("frames at the deadline").isGreaterThanOrEqualTo(frames);
            assertThat(p.frames(start, deadline - 1)).as("frames just before").isLessThan(frames);
        }
    }

    @ParameterizedTest
    @EnumSource(TimerMode.class)
    void framesNeverGoBack(TimerMode mode) {
        Pacing p = Pacing.of(mode, 44_100, 300);
        long start = -123_456_789L;
        long last = 0;
        SplittableRandom random = new SplittableRandom(7);
        for (long t = start; t < start + 3 * Rig.SECOND; t += random.nextLong(1, 400_000)) {
            long f = p.frames(start, t);
            assertThat(f).isGreaterThanOrEqualTo(last);
            last = f;
        }
        assertThat(p.frames(start, start - 5)).isZero();
    }

    @ParameterizedTest
    @EnumSource(TimerMode.class)
    void aYearAtTheHighestRateIsExact(TimerMode mode) {
        long year = 365L * 24 * 3600;
        Pacing p = Pacing.of(mode, 192_000, 250);
        assertThat(p.frames(0, year * Rig.SECOND)).isEqualTo(year * 192_000);
        assertThat(p.deadline(0, year * 192_000)).isEqualTo(year * Rig.SECOND);
    }
}
