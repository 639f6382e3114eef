package pcmshare.core.api.impl.pcm;

import static org.assertj.core.api.Assertions.assertThat;
import static pcmshare.core.api.impl.pcm.Rig.refused;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.impl.memory.Allocators;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.testdriver.ToyCard;

/**
 * A driver's declared hardware (the kernel's snd_pcm_hardware, which
 * snd_pcm_hw_constraints_complete turns into unsigned intervals) is checked when
 * the card appears: positive, ordered and bounded, or the card is refused naming
 * the driver, the property and the value.
 */
class DriverConstraintsTest {
    private final PcmEngine engine = new PcmEngine(new ManualClock(), Allocators::platform,
            PcmEngine.DEFAULT_POINTER_LIMIT);

    private ErrnoException refusedCard(HwConstraints c) {
        ErrnoException e = refused(() -> engine.addCard(new ToyCard("bad", c, 1)));
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.getMessage()).contains("bad").contains(ToyCard.class.getName());
        assertThat(engine.cards()).isEmpty();
        return e;
    }

    @Test
    void hwConstraints_rateZeroOrNegative_refusesTheCard() {
        HwConstraints t = HwConstraints.typical();
        ErrnoException e = refusedCard(t.withRates(Range.of(0, 48_000), List.of()));
        assertThat(e.getMessage()).contains("rates").contains("0");
        assertThat(e.value()).isEqualTo(0L);
        assertThat(refusedCard(t.withRates(Range.of(-48_000, -8_000), List.of())).getMessage()).contains("-48000");
        assertThat(refusedCard(t.withRates(Range.of(8_000, 48_000), List.of(96_000))).getMessage())
                .contains("96000");
    }

    @Test
    void hwConstraints_unboundedMaxima_refuseTheCard() {
        HwConstraints t = HwConstraints.typical();
        assertThat(refusedCard(t.withPeriodSize(Range.of(16, Long.MAX_VALUE))).getMessage())
                .contains("period_size").contains(String.valueOf(Long.MAX_VALUE));
        assertThat(refusedCard(t.withBufferSize(Range.of(32, 1L << 40))).getMessage()).contains("buffer_size");
        assertThat(refusedCard(t.withPeriods(Range.of(2, 1L << 31))).getMessage()).contains("periods");
        assertThat(refusedCard(t.withChannels(Range.of(0, 2))).getMessage()).contains("channels");
        assertThat(refusedCard(t.withRates(Range.of(8_000, 1L << 31), List.of())).getMessage()).contains("rates");
    }

    @Test
    void hwConstraints_noFormatOrAccess_refusesTheCard() {
        HwConstraints t = HwConstraints.typical();
        assertThat(refusedCard(t.withFormats(EnumSet.noneOf(SampleFormat.class))).getMessage()).contains("formats");
        assertThat(refusedCard(t.withAccesses(EnumSet.noneOf(pcmshare.core.api.pcm.Access.class))).getMessage())
                .contains("accesses");
    }

    @Test
    void hwConstraints_skewOutsideTheClocksRange_refusesTheCard() {
        ErrnoException e = refused(() -> engine.addCard(new ToyCard("bad", HwConstraints.typical(), 1, -1_000_000)));
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.getMessage()).contains("clock_skew_ppm").contains("-1000000");
        assertThat(engine.cards()).isEmpty();
    }

    @Test
    void hwConstraints_typical_isAccepted() {
        assertThat(engine.addCard(new ToyCard("good", HwConstraints.typical(), 1))).isEqualTo("good");
    }
}
