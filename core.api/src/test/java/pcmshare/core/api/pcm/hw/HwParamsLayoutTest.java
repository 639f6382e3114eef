package pcmshare.core.api.pcm.hw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/** struct snd_pcm_hw_params, byte for byte (include/uapi/sound/asound.h, x86_64). */
class HwParamsLayoutTest {

    @Test
    void struct_snd_pcm_hw_params_is_608_bytes() {
        assertThat(HwParamsLayout.SIZE).isEqualTo(608);
        // 4 + 8 masks x 32 + 21 intervals x 12 = 512: then rmask ... rate_den, fifo_size at 536, 64 reserved
        assertThat(HwParamsLayout.INTERVALS).isEqualTo(4 + 8 * 32);
        assertThat(HwParamsLayout.RMASK).isEqualTo(HwParamsLayout.INTERVALS + 21 * 12);
        assertThat(HwParamsLayout.FIFO_SIZE + 8 + 64).isEqualTo(HwParamsLayout.SIZE);
    }

    @Test
    void a_refined_space_reads_back_as_written() {
        HwConstraints c = new HwConstraints(EnumSet.of(Access.MMAP_INTERLEAVED), EnumSet.of(SampleFormat.S24_3LE),
                Range.of(44_100, 96_000), List.of(), Range.of(1, 8), Range.of(32, 4096), Range.of(2, 8),
                Range.of(64, 32_768), EnumSet.of(PcmCapability.PAUSE));
        HwSpace s = HwRefiner.of(c, List.of()).any().withFlags(4).withCmask(0x1234);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(HwParamsLayout.SIZE);
            m.fill((byte) 0x5a);
            HwParamsLayout.write(s, m);
            assertThat(HwParamsLayout.read(m)).isEqualTo(s);
            // FORMAT's bits 32-63 in the second word; reserved masks and intervals written as zero
            assertThat(m.get(ValueLayout.JAVA_INT_UNALIGNED, HwParamsLayout.MASKS + 32 + 4))
                    .isEqualTo(1 << (AlsaFormat.S24_3LE.number() - 32));
            assertThat(m.get(ValueLayout.JAVA_INT_UNALIGNED, HwParamsLayout.MASKS + 3 * 32)).isZero();
            assertThat(m.get(ValueLayout.JAVA_INT_UNALIGNED, HwParamsLayout.RMASK - 4)).isZero();
        }
    }

    @Test
    void interval_flags_are_bits_0_to_3_of_the_third_word() {
        HwSpace s = HwSpace.any().withInterval(HwParam.RATE, new Interval(7, 9, true, false, true, false))
                .withInterval(HwParam.PERIODS, new Interval(1, 2, false, true, false, true));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(HwParamsLayout.SIZE);
            HwParamsLayout.write(s, m);
            long rate = HwParamsLayout.INTERVALS + HwParam.RATE.slot() * HwParamsLayout.INTERVAL_SIZE;
            assertThat(m.get(ValueLayout.JAVA_INT_UNALIGNED, rate)).isEqualTo(7);
            assertThat(m.get(ValueLayout.JAVA_INT_UNALIGNED, rate + 8)).isEqualTo(0b101);
            long periods = HwParamsLayout.INTERVALS + HwParam.PERIODS.slot() * HwParamsLayout.INTERVAL_SIZE;
            assertThat(m.get(ValueLayout.JAVA_INT_UNALIGNED, periods + 8)).isEqualTo(0b1010);
        }
    }

    @Test
    void unsigned_bounds_above_2_to_the_31_survive() {
        HwSpace s = HwSpace.any().withInterval(HwParam.BUFFER_BYTES, Interval.of(3_000_000_000L, Interval.UINT_MAX));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(HwParamsLayout.SIZE);
            HwParamsLayout.write(s, m);
            assertThat(HwParamsLayout.read(m).interval(HwParam.BUFFER_BYTES)).isEqualTo(s.interval(HwParam.BUFFER_BYTES));
        }
    }

    @Test
    void a_short_segment_is_refused() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(600);
            assertThatThrownBy(() -> HwParamsLayout.read(m)).hasMessageContaining("608");
        }
    }
}
