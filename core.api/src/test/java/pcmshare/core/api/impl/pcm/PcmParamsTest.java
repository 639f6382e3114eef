package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.errno.Errno.EINVAL;
import static pcmshare.core.api.impl.pcm.Rig.STD;
import static pcmshare.core.api.impl.pcm.Rig.refused;
import static pcmshare.core.api.pcm.Direction.PLAYBACK;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.SampleFormat;

/** pcm_native.c snd_pcm_hw_params: its error path, and sizes checked as the kernel's unsigned intervals. */
class PcmParamsTest {
    private final Rig rig = new Rig();

    @AfterEach
    void tearDown() {
        rig.close();
    }

    /**
     * snd_pcm_hw_params, _error: "hardware might be unusable from this time,
     * so we force application to retry to set the correct hardware parameter
     * settings": a refused setup leaves the substream in OPEN, the driver's
     * hw_free called and the old buffer gone.
     */
    @Test
    void hwParams_refused_fallsBackToOpenAndCallsHwFree() {
        Substream s = rig.setup(PLAYBACK);
        assertThat(rig.hw().isFreed()).isFalse();
        ErrnoException e = refused(() -> s.hwParams(STD.withRate(1000)));
        assertThat(e.errno()).isEqualTo(EINVAL);
        assertThat(s.state()).isEqualTo(PcmState.OPEN);
        assertThat(s.hwParams()).isNull();
        assertThat(s.swParams()).isNull();
        assertThat(rig.hw().isFreed()).as("driver hw_free called").isTrue();
        // the application retries with parameters that fit
        s.hwParams(STD);
        assertThat(s.state()).isEqualTo(PcmState.SETUP);
    }

    /** snd_pcm_hw_params, _error: from PREPARED too. */
    @Test
    void hwParams_refusedWhilePrepared_fallsBackToOpen() {
        Substream s = rig.prepared(PLAYBACK);
        refused(() -> s.hwParams(STD.withChannels(33)));
        assertThat(s.state()).isEqualTo(PcmState.OPEN);
        assertThat(rig.hw().isFreed()).isTrue();
    }

    /** snd_interval_mul: buffer_size = period_size * periods must not wrap; it is refused naming the value. */
    @Test
    void bufferSize_periodSizeTimesPeriodsThatOverflows_isEINVAL() {
        HwParams p = HwParams.of(SampleFormat.S16_LE, 2, 48_000, (1L << 58) + 1, 64);
        ErrnoException e = refused(p::bufferSize);
        assertThat(e.errno()).isEqualTo(EINVAL);
        assertThat(e.value()).isEqualTo((1L << 58) + 1);
        assertThat(e.getMessage()).contains("288230376151711745").contains("64");
        assertThat(refused(HwParams.of(SampleFormat.S32_LE, 1 << 29, 48_000, 16, 4)::frameBytes).errno())
                .isEqualTo(EINVAL);
        assertThat(refused(HwParams.of(SampleFormat.S16_LE, 2, 48_000, 1L << 41, 1 << 20)::bufferBytes).errno())
                .isEqualTo(EINVAL);
    }

    /** Unsigned intervals: a negative period size or period count is not a small number but a huge one. */
    @Test
    void bufferSize_negativePeriodSizeOrPeriods_isEINVAL() {
        assertThat(refused(HwParams.of(SampleFormat.S16_LE, 2, 48_000, -16, 4)::bufferSize).errno()).isEqualTo(EINVAL);
        assertThat(refused(HwParams.of(SampleFormat.S16_LE, 2, 48_000, 16, -4)::bufferSize).errno()).isEqualTo(EINVAL);
    }
}
