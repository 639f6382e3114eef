package pcmshare.driver.aloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.pcm.hw.HwNegotiation;
import pcmshare.core.api.pcm.hw.HwParam;
import pcmshare.core.api.pcm.hw.HwSpace;
import pcmshare.core.api.pcm.hw.Interval;

/** snd-aloop's loopback_open rules (rule_format, rule_rate, rule_channels) on hw_refine. */
class HwRulesTest {
    private static final HwParams STD = HwParams.of(SampleFormat.S32_LE, 2, 44_100, 441, 4);

    @Test
    @DisplayName("loopback rules: the other end's parameters narrow this end's space to the cable's")
    void loopback_rules_the_configured_end_narrows_the_other_ends_space() {
        AloopRig rig = new AloopRig();
        PcmSubstream capture = rig.open(Direction.CAPTURE, 1, 0);
        HwSpace free = capture.hwRefine(HwSpace.any());
        assertThat(free.isSingle(HwParam.RATE)).isFalse();
        rig.playback(0, 0, STD);
        HwSpace bound = capture.hwRefine(HwSpace.any());
        assertThat(bound.describe(HwParam.FORMAT)).isEqualTo("S32_LE");
        assertThat(bound.value(HwParam.RATE)).isEqualTo(44_100);
        assertThat(bound.value(HwParam.CHANNELS)).isEqualTo(2);
        assertThat(bound.value(HwParam.PERIOD_SIZE)).isEqualTo(441);
        assertThat(bound.describe(HwParam.ACCESS)).isEqualTo("MMAP_INTERLEAVED RW_INTERLEAVED");
        assertThat(bound.value(HwParam.PERIOD_TIME)).isEqualTo(10_000);
        // an application asking for 48 kHz near gets the cable's rate, and installs what it can
        HwNegotiation n = HwNegotiation.any(capture);
        assertThat(n.setNear(HwParam.RATE, 48_000, 0).value()).isEqualTo(44_100);
        HwParams chosen = n.install(capture);
        assertThat(chosen.rate()).isEqualTo(44_100);
        assertThat(chosen.format()).isEqualTo(SampleFormat.S32_LE);
    }

    @Test
    @DisplayName("loopback rules: a refinement the cable cannot take is EINVAL naming the parameter and the end that fixed it")
    void loopback_rules_a_mismatch_is_EINVAL_naming_the_end_that_fixed_it() {
        AloopRig rig = new AloopRig();
        PcmSubstream capture = rig.open(Direction.CAPTURE, 1, 0);
        rig.playback(0, 0, STD);
        ErrnoException e = catchThrowableOfType(ErrnoException.class,
                () -> capture.hwRefine(HwSpace.any().withInterval(HwParam.RATE, Interval.single(48_000))));
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.operation()).isEqualTo("hw_refine");
        assertThat(e.getMessage()).contains("rate 48000 does not match the cable's 44100").contains("fixed by");
    }
}
