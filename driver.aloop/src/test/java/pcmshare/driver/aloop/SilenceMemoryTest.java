package pcmshare.driver.aloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/** A capture's silence ring is freed with its setup (hw_free, a new hw_params, close), not by the garbage collector. */
class SilenceMemoryTest {
    private static final HwParams P = HwParams.of(SampleFormat.S16_LE, 2, 48_000, 256, 4);

    @Test
    void captureSilence_isFreedWhenTheSetupGoes() {
        AloopRig rig = new AloopRig();
        PcmSubstream c = rig.capture(1, 0, P);
        MemorySegment first = rig.loopback.cable(0, 0).capture().silence;
        assertThat(first.scope().isAlive()).isTrue();
        c.hwParams(P.withPeriods(8));
        assertThat(first.scope().isAlive()).as("after a new hw_params").isFalse();
        MemorySegment second = rig.loopback.cable(0, 0).capture().silence;
        c.hwFree();
        assertThat(second.scope().isAlive()).as("after hw_free").isFalse();
        c.hwParams(P);
        MemorySegment third = rig.loopback.cable(0, 0).capture().silence;
        c.close();
        assertThat(third.scope().isAlive()).as("after close").isFalse();
    }
}
