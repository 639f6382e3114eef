package pcmshare.driver.aloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/** The cable's period timer is made once and re-armed: a running cable costs no allocation per period. */
class PeriodAllocationTest {
    private static final HwParams STD = HwParams.of(SampleFormat.S16_LE, 2, 48_000, 256, 4);

    @Test
    @DisplayName("the period path allocates nothing: write a period, the cable's timer copies it, read it back")
    void runningCable_allocatesNothingPerPeriod() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        bean.setThreadAllocatedMemoryEnabled(true);
        AloopRig rig = new AloopRig();
        PcmSubstream playback = rig.playback(0, 0, STD);
        PcmSubstream capture = rig.capture(1, 0, STD);
        playback.prepare();
        capture.prepare();
        capture.start();
        long period = STD.periodSize();
        MemorySegment src = AloopRig.randomFrames(1, period, STD.frameBytes());
        MemorySegment dst = AloopRig.randomFrames(2, period, STD.frameBytes());
        playback.write(src, period);
        playback.write(src, period);
        long start = rig.clock.nanoTime();
        long periods = 0;
        int cycles = 20_000;
        long allocated = 0;
        long read = 0;
        for (int round = 0; round < 2; round++) {
            read = 0;
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < cycles; i++) {
                playback.write(src, period);
                periods++;
                rig.clock.advanceTo(start + Cable.nanosFor(periods * period, STD.rate()));
                read += capture.read(dst, period);
            }
            allocated = bean.getCurrentThreadAllocatedBytes() - before;
        }
        assertThat(read).as("every period arrived").isEqualTo(cycles * period);
        assertThat(MemorySegment.mismatch(src, 0, src.byteSize(), dst, 0, dst.byteSize())).isEqualTo(-1L);
        assertThat(allocated).as("bytes for %d periods", cycles).isLessThan(cycles / 10);
        playback.drop();
        capture.drop();
        assertThat(rig.clock.pendingTimers()).as("stopped: nothing armed").isZero();
    }
}
