package pcmshare.driver.dummy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/** The card's timer is made once and re-armed: running substreams cost no allocation per period. */
class PeriodAllocationTest {
    private static final HwParams PARAMS = HwParams.of(SampleFormat.S16_LE, 2, 48_000, 256, 4);

    @Test
    @DisplayName("the period path allocates nothing: the card's timer is re-armed, not made, every period")
    void runningSubstreams_allocateNothingPerPeriod() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        bean.setThreadAllocatedMemoryEnabled(true);
        for (TimerMode mode : TimerMode.values()) {
            try (Rig rig = new Rig(DummySettings.builder().timerMode(mode).substreams(4, 4))) {
                List<PcmSubstream> streams = new ArrayList<>();
                long periodNanos = PARAMS.framesToNanos(PARAMS.periodSize());
                for (int i = 0; i < 4; i++) {
                    PcmSubstream s = rig.prepared(Direction.CAPTURE, PARAMS, true);
                    s.start();
                    streams.add(s);
                    // staggered: every substream has a deadline of its own
                    rig.clock.advance(periodNanos / 4);
                }
                int periods = 20_000;
                long allocated = 0;
                long firings = 0;
                for (int round = 0; round < 2; round++) {
                    long firings0 = rig.card.timerFirings();
                    long before = bean.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < periods; i++) {
                        rig.clock.advance(periodNanos);
                    }
                    allocated = bean.getCurrentThreadAllocatedBytes() - before;
                    firings = rig.card.timerFirings() - firings0;
                }
                assertThat(firings).as("%s: the timer fired every period", mode).isGreaterThanOrEqualTo(periods);
                assertThat(allocated).as("%s: bytes for %d periods of 4 substreams", mode, periods)
                        .isLessThan(periods / 10);
                for (PcmSubstream s : streams) {
                    s.drop();
                }
                assertThat(rig.clock.pendingTimers()).as("stopped: nothing armed").isZero();
            }
        }
    }
}
