package pcmshare.core.api.pcm.hw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pcmshare.core.api.pcm.hw.HwParam.ACCESS;
import static pcmshare.core.api.pcm.hw.HwParam.BUFFER_BYTES;
import static pcmshare.core.api.pcm.hw.HwParam.BUFFER_SIZE;
import static pcmshare.core.api.pcm.hw.HwParam.BUFFER_TIME;
import static pcmshare.core.api.pcm.hw.HwParam.CHANNELS;
import static pcmshare.core.api.pcm.hw.HwParam.FORMAT;
import static pcmshare.core.api.pcm.hw.HwParam.FRAME_BITS;
import static pcmshare.core.api.pcm.hw.HwParam.PERIODS;
import static pcmshare.core.api.pcm.hw.HwParam.PERIOD_BYTES;
import static pcmshare.core.api.pcm.hw.HwParam.PERIOD_SIZE;
import static pcmshare.core.api.pcm.hw.HwParam.PERIOD_TIME;
import static pcmshare.core.api.pcm.hw.HwParam.RATE;
import static pcmshare.core.api.pcm.hw.HwParam.SAMPLE_BITS;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/** The kernel's refinement rules, each by name, on pcmshare's {@link HwRefiner} and {@link HwNegotiation}. */
class HwRefinerTest {

    /** A card of 48 kHz only, stereo S16_LE or S32_LE, interleaved read/write and mmap. */
    private static HwConstraints card48k() {
        return new HwConstraints(EnumSet.of(Access.RW_INTERLEAVED, Access.MMAP_INTERLEAVED),
                EnumSet.of(SampleFormat.S16_LE, SampleFormat.S32_LE), Range.single(48_000), List.of(),
                Range.of(1, 2), Range.of(64, 8192), Range.of(2, 16), Range.of(128, 65_536),
                EnumSet.of(PcmCapability.PAUSE));
    }

    private static HwRefiner refiner(HwConstraints c, HwRule... rules) {
        return HwRefiner.of(c, List.of(rules));
    }

    @Test
    void snd_pcm_hw_refine_empty_parameter_is_EINVAL_naming_it() {
        HwRefiner r = refiner(card48k());
        HwSpace ask = HwSpace.any().withInterval(RATE, Interval.single(44_100));
        assertThatThrownBy(() -> r.refine(ask)).isInstanceOfSatisfying(ErrnoException.class, e -> {
            assertThat(e.errno()).isEqualTo(Errno.EINVAL);
            assertThat(e.getMessage()).contains("RATE");
        });
    }

    @Test
    void constrain_mask_params_an_empty_mask_even_unrequested_is_EINVAL() {
        HwSpace ask = HwSpace.any().withMask(FORMAT, 0).withRmask(0);
        assertThatThrownBy(() -> refiner(card48k()).refine(ask)).hasMessageContaining("FORMAT");
    }

    @Test
    void snd_interval_refine_integer_rounds_open_bounds_inwards() {
        SndInterval i = new SndInterval(new Interval(10, 20, true, true, false, false));
        assertThat(i.refine(Interval.ofIntegers(0, 100))).isEqualTo(1);
        assertThat(i.get()).isEqualTo(new Interval(11, 19, false, false, true, false));
    }

    @Test
    void snd_interval_refine_a_closed_single_value_becomes_integer_without_counting_as_a_change() {
        SndInterval i = new SndInterval(Interval.of(5, 5));
        assertThat(i.refine(Interval.of(0, 10))).isZero();
        assertThat(i.get().integer()).isTrue();
    }

    @Test
    void snd_interval_refine_open_ends_meeting_is_empty() {
        SndInterval i = new SndInterval(Interval.of(5, 5));
        assertThat(i.refine(new Interval(5, 6, true, false, false, false))).isEqualTo(SndInterval.EINVAL);
        assertThat(i.empty).isTrue();
        // (5 6) is not empty: it holds the values between, as rates and times may
        SndInterval between = new SndInterval(new Interval(5, 6, true, false, false, false));
        assertThat(between.refine(new Interval(0, 6, false, true, false, false))).isEqualTo(1);
        assertThat(between.get().isSingle()).isTrue();
    }

    @Test
    void snd_interval_refine_first_keeps_an_open_max_only_where_it_was_open_before() {
        SndInterval i = new SndInterval(new Interval(10, 11, true, true, false, false));
        assertThat(i.refineFirst()).isZero(); // (10 11) holds 10.5 only: single already
        SndInterval j = new SndInterval(new Interval(10, 20, true, true, false, false));
        assertThat(j.refineFirst()).isEqualTo(1);
        assertThat(j.get()).isEqualTo(new Interval(10, 11, true, false, false, false));
    }

    @Test
    void snd_interval_mul_saturates_at_uint_max() {
        Interval big = Interval.of(70_000, 70_000);
        assertThat(Interval.mul(big, big).max()).isEqualTo(Interval.UINT_MAX);
    }

    @Test
    void snd_interval_div_rounds_the_bounds_outwards_and_opens_them() {
        Interval q = Interval.div(Interval.of(10, 10), Interval.of(3, 3));
        assertThat(q).isEqualTo(new Interval(3, 4, true, true, false, false));
    }

    @Test
    void snd_interval_list_narrows_to_the_listed_values_inside() {
        HwConstraints c = card48k().withRates(Range.of(8_000, 192_000), List.of(44_100, 48_000, 96_000));
        HwRefiner r = refiner(c);
        assertThat(r.any().interval(RATE)).isEqualTo(new Interval(44_100, 96_000, false, false, false, false));
        HwSpace above = r.refine(r.any().withInterval(RATE, Interval.of(50_000, 192_000)).withRmask(RATE.bit()));
        assertThat(above.interval(RATE).isSingle()).isTrue();
        assertThat(above.value(RATE)).isEqualTo(96_000);
    }

    @Test
    void snd_interval_ratnum_narrows_to_rates_a_divided_clock_makes_and_reports_the_fraction() {
        // 12.288 MHz over multiples of 64: 48000 = 12288000/256, 96000 = /128, 32000 = /384
        HwRule clock = HwRule.ratnums(RATE, new Ratnum(12_288_000, 64, 4096, 64));
        HwRefiner r = refiner(card48k().withRates(Range.of(8_000, 192_000), List.of()), clock);
        HwSpace s = r.refine(HwSpace.any().withInterval(RATE, Interval.of(47_000, 49_000)));
        assertThat(s.value(RATE)).isEqualTo(48_000);
        assertThat(s.rateNum()).isEqualTo(12_288_000);
        assertThat(s.rateDen()).isEqualTo(256);
        // 44100 is no multiple-of-64 divisor: 12288000/278.6 lies between /256 and /320
        assertThatThrownBy(() -> r.refine(HwSpace.any().withInterval(RATE, Interval.single(44_100))))
                .hasMessageContaining("RATE");
    }

    @Test
    void hw_rule_period_time_is_period_size_times_a_million_over_rate() {
        HwRefiner r = refiner(card48k());
        HwSpace s = r.refine(HwSpace.any().withInterval(PERIOD_SIZE, Interval.single(480))
                .withInterval(PERIODS, Interval.single(4)));
        assertThat(s.value(PERIOD_TIME)).isEqualTo(10_000);
        assertThat(s.value(BUFFER_SIZE)).isEqualTo(1920);
        assertThat(s.value(BUFFER_TIME)).isEqualTo(40_000);
    }

    @Test
    void hw_rule_period_size_is_period_time_times_rate_over_a_million() {
        HwRefiner r = refiner(card48k());
        HwSpace s = r.refine(HwSpace.any().withInterval(PERIOD_TIME, Interval.single(10_000)));
        assertThat(s.value(PERIOD_SIZE)).isEqualTo(480);
    }

    @Test
    void hw_rule_bytes_are_size_times_frame_bits_over_8() {
        HwRefiner r = refiner(card48k());
        HwSpace s = r.refine(HwSpace.any().withMask(FORMAT, 1L << AlsaFormat.S16_LE.number())
                .withInterval(CHANNELS, Interval.single(2)).withInterval(PERIOD_SIZE, Interval.single(100))
                .withInterval(PERIODS, Interval.single(3)));
        assertThat(s.value(SAMPLE_BITS)).isEqualTo(16);
        assertThat(s.value(FRAME_BITS)).isEqualTo(32);
        assertThat(s.value(PERIOD_BYTES)).isEqualTo(400);
        assertThat(s.value(BUFFER_BYTES)).isEqualTo(1200);
    }

    @Test
    void hw_rule_format_drops_formats_whose_width_is_outside_sample_bits() {
        HwSpace s = refiner(card48k()).refine(HwSpace.any().withInterval(SAMPLE_BITS, Interval.single(32)));
        assertThat(s.mask(FORMAT)).isEqualTo(1L << AlsaFormat.S32_LE.number());
    }

    @Test
    void pcmshare_rings_hold_whole_periods() {
        HwSpace s = refiner(card48k()).any();
        assertThat(s.interval(PERIODS).integer()).isTrue();
    }

    @Test
    void fixup_unreferenced_params_reports_msbits_rate_and_info() {
        HwConstraints c = card48k().withFormats(EnumSet.of(SampleFormat.S24_LE));
        HwSpace s = refiner(c).any();
        assertThat(s.msbits()).as("the kernel takes msbits from the format's width").isEqualTo(24);
        assertThat(s.value(SAMPLE_BITS)).isEqualTo(32);
        assertThat(s.rateNum()).isEqualTo(48_000);
        assertThat(s.rateDen()).isEqualTo(1);
        assertThat(s.info() & HwRefiner.INFO_PAUSE).isNotZero();
        assertThat(s.info() & HwRefiner.INFO_RESUME).isZero();
        assertThat(s.info() & HwRefiner.INFO_MMAP).isNotZero();
        assertThat(s.rmask()).isZero();
    }

    @Test
    void snd_pcm_hw_rule_add_a_driver_rule_runs_when_its_dependency_changes() {
        // a card whose period size must be a multiple of the channel count times 32; as in the kernel,
        // a rule runs only when one of its dependencies was requested or changed, so it names both
        HwRule rule = HwRule.of(PERIOD_SIZE, p -> {
            Interval ch = p.interval(CHANNELS);
            return ch.isSingle() && p.refineStep(PERIOD_SIZE, 32 * ch.value());
        }, CHANNELS, PERIOD_SIZE);
        HwRefiner r = refiner(card48k(), rule);
        HwSpace stereo = r.refine(r.any().withInterval(CHANNELS, Interval.single(2)).withRmask(CHANNELS.bit()));
        assertThat(stereo.interval(PERIOD_SIZE).min()).isEqualTo(64);
        assertThat(stereo.interval(PERIOD_SIZE).max()).isEqualTo(8192);
        HwSpace odd = stereo.withInterval(PERIOD_SIZE, Interval.single(96)).withRmask(PERIOD_SIZE.bit());
        assertThatThrownBy(() -> r.refine(odd)).hasMessageContaining("PERIOD_SIZE");
    }

    @Test
    void a_rule_that_never_settles_is_EINVAL_not_a_hang() {
        // each claims a change, so each makes the other due again
        HwRule ping = HwRule.of(RATE, p -> true, CHANNELS);
        HwRule pong = HwRule.of(CHANNELS, p -> true, RATE);
        assertThatThrownBy(() -> refiner(card48k(), ping, pong).any()).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.getMessage()).contains("do not settle"));
    }

    @Test
    void set_rate_near_44100_on_a_48k_only_card_gives_48000() {
        HwNegotiation n = HwNegotiation.any(refiner(card48k())::refine);
        assertThat(n.setNear(RATE, 44_100, 0)).isEqualTo(new HwNegotiation.Value(48_000, 0));
    }

    @Test
    void set_near_takes_the_nearer_listed_rate_and_the_higher_on_a_tie() {
        HwConstraints c = card48k().withRates(Range.of(8_000, 192_000), List.of(44_100, 48_000, 96_000));
        HwRefiner r = refiner(c);
        assertThat(HwNegotiation.any(r::refine).setNear(RATE, 46_000, 0).value()).isEqualTo(44_100);
        assertThat(HwNegotiation.any(r::refine).setNear(RATE, 46_050, 0).value()).isEqualTo(48_000);
    }

    @Test
    void set_near_answers_at_once_when_one_value_is_left_at_or_above() {
        // alsa-lib's snd_pcm_hw_param_set_near: narrowing to >= 45000 leaves 48000 alone, which it takes
        // without looking below, though 44100 is nearer
        HwConstraints c = card48k().withRates(Range.of(8_000, 192_000), List.of(44_100, 48_000));
        assertThat(HwNegotiation.any(refiner(c)::refine).setNear(RATE, 45_000, 0).value()).isEqualTo(48_000);
    }

    @Test
    void a_refused_step_leaves_the_space_as_it_was() {
        HwNegotiation n = HwNegotiation.any(refiner(card48k())::refine);
        HwSpace before = n.space();
        assertThatThrownBy(() -> n.set(CHANNELS, 6, 0)).isInstanceOf(ErrnoException.class);
        assertThat(n.space()).isEqualTo(before);
    }

    @Test
    void hw_params_choose_takes_first_access_format_channels_rate_then_largest_buffer_smallest_period() {
        HwNegotiation n = HwNegotiation.any(refiner(card48k())::refine);
        n.refine();
        HwParams p = n.choose().toHwParams();
        assertThat(p.access()).isEqualTo(Access.MMAP_INTERLEAVED); // ALSA numbers MMAP_INTERLEAVED 0, RW 3
        assertThat(p.format()).isEqualTo(SampleFormat.S16_LE);
        assertThat(p.channels()).isEqualTo(1);
        assertThat(p.rate()).isEqualTo(48_000);
        // the largest buffer first (65536), then the smallest period size that divides it in at most 16 periods
        assertThat(p.bufferSize()).isEqualTo(65_536);
        assertThat(p.periodSize()).isEqualTo(4096);
        assertThat(p.periods()).isEqualTo(16);
    }

    @Test
    void hw_params_choose_keeps_periods_above_minperiodtime() {
        HwNegotiation n = HwNegotiation.any(refiner(card48k())::refine);
        n.setNear(BUFFER_SIZE, 1024, 0);
        n.refine();
        HwParams p = n.choose().toHwParams();
        // 64 frames (1.3 ms) would be the smallest; alsa.conf's minperiodtime 5 ms lifts it
        assertThat(p.periodSize() * 1_000_000L / p.rate()).isGreaterThan(HwNegotiation.DEFAULT_MIN_PERIOD_TIME);
        assertThat(p.bufferSize()).isEqualTo(1024);
    }

    @Test
    void the_space_of_exact_parameters_refines_to_them() {
        HwParams p = new HwParams(Access.RW_INTERLEAVED, SampleFormat.S32_LE, 2, 48_000, 480, 4);
        HwSpace s = refiner(card48k()).refine(HwSpace.of(p));
        assertThat(s.toHwParams()).isEqualTo(p);
        assertThat(s.value(ACCESS)).isEqualTo(3);
    }

    @Test
    void exact_parameters_beyond_32_bits_are_EINVAL_naming_them() {
        HwParams p = new HwParams(Access.RW_INTERLEAVED, SampleFormat.S16_LE, 2, 48_000, 1L << 40, 4);
        assertThatThrownBy(() -> HwSpace.of(p)).isInstanceOfSatisfying(ErrnoException.class, e -> {
            assertThat(e.errno()).isEqualTo(Errno.EINVAL);
            assertThat(e.getMessage()).contains("PERIOD_SIZE 1099511627776");
        });
    }

    @Test
    void dump_prints_one_line_per_parameter_as_aplay_dump_hw_params() {
        String dump = refiner(card48k()).any().dump();
        assertThat(dump.lines()).hasSize(HwParam.values().length);
        assertThat(dump).contains("ACCESS:  MMAP_INTERLEAVED RW_INTERLEAVED\n")
                .contains("FORMAT:  S16_LE S32_LE\n").contains("SUBFORMAT:  STD\n").contains("RATE: 48000\n")
                .contains("CHANNELS: [1 2]\n").contains("PERIODS: [2 16]\n");
    }

    @Test
    void constraints_beyond_32_bits_are_clamped_to_uint_max() {
        HwConstraints c = card48k().withBufferSize(Range.of(128, Long.MAX_VALUE));
        assertThat(refiner(c).constraints().interval(BUFFER_SIZE).max()).isEqualTo(Interval.UINT_MAX);
    }

    @Test
    void no_formats_or_accesses_is_EINVAL() {
        HwConstraints c = card48k().withFormats(Set.of());
        assertThatThrownBy(() -> refiner(c).any()).hasMessageContaining("FORMAT");
    }
}
