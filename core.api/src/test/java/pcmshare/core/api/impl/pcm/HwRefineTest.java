package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.refused;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.pcm.hw.HwNegotiation;
import pcmshare.core.api.pcm.hw.HwParam;
import pcmshare.core.api.pcm.hw.HwRule;
import pcmshare.core.api.pcm.hw.HwSpace;
import pcmshare.core.api.pcm.hw.Interval;

/** SNDRV_PCM_IOCTL_HW_REFINE and a space's HW_PARAMS on a substream of a card in the core. */
class HwRefineTest {
    private static final HwConstraints CARD = new HwConstraints(EnumSet.of(Access.RW_INTERLEAVED,
            Access.MMAP_INTERLEAVED), EnumSet.of(SampleFormat.S16_LE, SampleFormat.S32_LE), Range.of(8_000, 192_000),
            List.of(44_100, 48_000, 96_000), Range.of(1, 2), Range.of(16, 8192), Range.of(2, 32),
            Range.of(32, 65_536), EnumSet.of(PcmCapability.PAUSE, PcmCapability.RESUME));

    private Rig rig;

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void hw_refine_gives_the_cards_space_and_changes_nothing() {
        rig = new Rig(CARD, PcmEngine.DEFAULT_POINTER_LIMIT);
        Substream s = rig.open(Direction.PLAYBACK);
        HwSpace any = s.hwRefine(HwSpace.any());
        assertThat(any.interval(HwParam.RATE).min()).isEqualTo(44_100);
        assertThat(any.interval(HwParam.RATE).max()).isEqualTo(96_000);
        assertThat(any.describe(HwParam.FORMAT)).isEqualTo("S16_LE S32_LE");
        assertThat(s.state()).isEqualTo(PcmState.OPEN);
        assertThat(s.hwParams()).isNull();
    }

    @Test
    void hw_params_of_a_space_refines_chooses_and_installs() {
        rig = new Rig(CARD, PcmEngine.DEFAULT_POINTER_LIMIT);
        Substream s = rig.open(Direction.PLAYBACK);
        HwNegotiation n = HwNegotiation.any(s);
        n.setAccess(Access.RW_INTERLEAVED);
        n.setChannels(2);
        assertThat(n.setNear(HwParam.RATE, 47_000, 0).value()).isEqualTo(48_000);
        n.setNear(HwParam.PERIOD_TIME, 10_000, 0);
        HwParams p = n.install(s);
        assertThat(s.state()).isEqualTo(PcmState.SETUP);
        assertThat(s.hwParams()).isEqualTo(p);
        assertThat(p.rate()).isEqualTo(48_000);
        assertThat(p.periodSize()).isEqualTo(480);
        assertThat(p.access()).isEqualTo(Access.RW_INTERLEAVED);
    }

    @Test
    void hw_params_of_exact_parameters_is_the_same_as_hw_params() {
        rig = new Rig(CARD, PcmEngine.DEFAULT_POINTER_LIMIT);
        HwParams p = new HwParams(Access.MMAP_INTERLEAVED, SampleFormat.S32_LE, 2, 96_000, 256, 4);
        PcmSubstream s = rig.open(Direction.CAPTURE);
        assertThat(s.hwParams(HwSpace.of(p))).isEqualTo(p);
        assertThat(s.hwParams()).isEqualTo(p);
    }

    @Test
    void hw_refine_a_closed_handle_is_EBADF_a_disconnected_card_EBADFD() {
        rig = new Rig(CARD, PcmEngine.DEFAULT_POINTER_LIMIT);
        Substream closed = rig.open(Direction.PLAYBACK);
        closed.close();
        assertThat(refused(() -> closed.hwRefine(HwSpace.any())).errno()).isEqualTo(Errno.EBADF);
        Substream gone = rig.open(Direction.PLAYBACK);
        rig.engine.removeCard(rig.card);
        assertThat(refused(() -> gone.hwRefine(HwSpace.any())).errno()).isEqualTo(Errno.EBADFD);
    }

    @Test
    void snd_pcm_hw_rule_add_a_drivers_rules_narrow_refine_and_exact_hw_params() {
        rig = new Rig(CARD, PcmEngine.DEFAULT_POINTER_LIMIT);
        // hardware whose periods are multiples of 64 frames (snd_pcm_hw_constraint_step)
        rig.card.hwRules(HwRule.step(HwParam.PERIOD_SIZE, 64));
        Substream s = rig.open(Direction.PLAYBACK);
        assertThat(s.hwRefine(HwSpace.any()).interval(HwParam.PERIOD_SIZE).min()).isEqualTo(64);
        ErrnoException e = refused(() -> s.hwParams(HwParams.of(SampleFormat.S16_LE, 2, 48_000, 100, 4)));
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.getMessage()).contains("PERIOD_SIZE");
        assertThat(s.state()).isEqualTo(PcmState.OPEN);
        assertThat(s.hwParams(HwParams.of(SampleFormat.S16_LE, 2, 48_000, 128, 4)).periodSize()).isEqualTo(128);
    }

    @Test
    void hw_refine_refuses_what_the_card_cannot_do_naming_the_parameter() {
        rig = new Rig(CARD, PcmEngine.DEFAULT_POINTER_LIMIT);
        Substream s = rig.open(Direction.PLAYBACK);
        ErrnoException e = refused(() -> s.hwRefine(HwSpace.any().withInterval(HwParam.CHANNELS, Interval.single(6))));
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.getMessage()).contains("CHANNELS");
    }
}
