package pcmshare.core.api.pcm.hw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
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
import static pcmshare.core.api.pcm.hw.HwParam.SUBFORMAT;
import static pcmshare.core.api.pcm.hw.HwParam.TICK_TIME;
import static pcmshare.core.api.pcm.hw.Interval.UINT_MAX;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * pcmshare's refinement against alsa-lib's own, on 1,000 seeded random
 * constraint sets and request sequences. alsa-lib's "null" PCM refines with
 * snd_pcm_hw_refine_soft, alsa-lib's copy of the kernel's rules (the same
 * rules, in the same order, as snd_pcm_hw_constraints_init); pcmshare's
 * {@link HwRefiner} is given the same constraints and runs the same steps
 * through {@link HwNegotiation}. After every step the masks, the intervals
 * (bounds, open ends, integer and empty flags), the exact rate, the answer
 * (value and direction) and whether it was refused must be the same, and so
 * must the configuration snd_pcm_hw_params finally chooses.
 *
 * <p>What the null PCM cannot express is not compared: a list of discrete
 * rates (snd_pcm_hw_constraint_list needs a driver; {@link HwRefinerTest}
 * covers it against the kernel's snd_interval_list), msbits and info (the
 * kernel takes msbits from the format's width, alsa-lib from the sample
 * bits; info is the card's), and the G.723 formats, to which the kernel
 * gives widths 3 and 5 and alsa-lib none: each case first narrows FORMAT to
 * pcmshare's formats, as a pcmshare card does.
 */
class AlsaLibDifferentialTest {
    private static final int CASES = 1000;
    private static final int[] RATES = {8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000};

    private static final int ACCEPTED = 0;
    private static final int REFUSED = 1;
    private static final int QUIRK = 2;
    private static final int REFUSED_END = 3;

    private static AlsaLib alsa;

    @BeforeAll
    static void open() {
        alsa = new AlsaLib();
    }

    @AfterAll
    static void close() {
        alsa.close();
    }

    /** alsa-lib's refine_masks and refine_intervals (src/pcm/pcm_params.c), without the G.723 formats. */
    static HwSpace nullPcmConstraints() {
        long formats = bits(0, 18) | bits(20, 28) | bits(31, 31) | bits(32, 43) | bits(48, 52);
        return HwSpace.any()
                .withMask(ACCESS, 0b11111)
                .withMask(FORMAT, formats)
                .withMask(SUBFORMAT, 1)
                .withInterval(SAMPLE_BITS, Interval.ofIntegers(1, UINT_MAX))
                .withInterval(FRAME_BITS, Interval.ofIntegers(1, UINT_MAX))
                .withInterval(CHANNELS, Interval.ofIntegers(1, UINT_MAX))
                .withInterval(RATE, Interval.of(1, UINT_MAX))
                .withInterval(BUFFER_TIME, Interval.of(1, UINT_MAX))
                .withInterval(BUFFER_SIZE, Interval.ofIntegers(1, UINT_MAX))
                .withInterval(BUFFER_BYTES, Interval.ofIntegers(1, UINT_MAX));
    }

    private static long bits(int from, int to) {
        return (-1L >>> (63 - to)) & (-1L << from);
    }

    /** snd_pcm_null_hw_refine: PERIOD_SIZE at least 1, then the rules. */
    static UnaryOperator<HwSpace> nullPcm() {
        HwRefiner refiner = HwRefiner.of(nullPcmConstraints(), List.of(), 0);
        return s -> {
            Refinement w = new Refinement(s, "null");
            int c = w.ival(PERIOD_SIZE).refineMin(1, false);
            if (c != 0) {
                w.cmask |= PERIOD_SIZE.bit();
                w.rmask |= PERIOD_SIZE.bit();
            }
            w.check(PERIOD_SIZE, c);
            return refiner.refine(w.toSpace());
        };
    }

    @Test
    void snd_pcm_hw_params_sizeof_is_608_bytes_as_the_layout() {
        assertThat(AlsaLib.paramsSizeof()).isEqualTo(HwParamsLayout.SIZE).isEqualTo(608);
    }

    @Test
    void hw_params_any_reads_back_as_alsa_lib_wrote_it() {
        assertThat(alsa.any()).isZero();
        HwSpace fromAlsa = alsa.space();
        HwParamsLayout.write(fromAlsa, alsa.params);
        assertThat(alsa.space()).isEqualTo(fromAlsa);
        // FRAME_BITS = SAMPLE_BITS (4 at least) x CHANNELS fits in 32 bits
        assertThat(fromAlsa.interval(CHANNELS)).isEqualTo(Interval.ofIntegers(1, UINT_MAX / 4));
        assertThat(fromAlsa.interval(PERIOD_SIZE).min()).isEqualTo(1);
    }

    @Test
    void refinement_and_choice_agree_with_alsa_lib_on_1000_random_cases() {
        compareCases(false);
    }

    /**
     * The same cases, with the constraints given to pcmshare as a card gives
     * them ({@link pcmshare.core.api.pcm.HwConstraints}, whole periods) and to
     * alsa-lib as the application's first steps: the card's whole space must
     * equal what alsa-lib narrowed to, and every request after it must agree.
     */
    @Test
    void a_cards_constraints_give_the_space_alsa_lib_narrows_to() {
        compareCases(true);
    }

    private static void compareCases(boolean asCard) {
        int steps = 0;
        int refused = 0;
        int quirks = 0;
        int chosen = 0;
        for (int n = 0; n < CASES; n++) {
            long seed = 0x5eed_0000L + n;
            int[] counts = runCase(seed, asCard);
            steps += counts[0];
            refused += counts[1];
            quirks += counts[2];
            chosen += counts[3];
        }
        System.out.printf("alsa-lib differential%s: %d cases, %d steps compared (%d refused by both), %d configurations"
                + " chosen alike, %d cases ended where alsa-lib went on with an empty parameter%n",
                asCard ? " (constraints of a card)" : "", CASES, steps,
                refused, chosen, quirks);
        // the cases must exercise both outcomes and mostly run to the end, or the comparison proves little
        assertThat(steps).isGreaterThan(CASES * 8);
        assertThat(refused).isGreaterThan(CASES / 20);
        assertThat(chosen).isGreaterThan(CASES / 4);
        assertThat(quirks).isLessThan(CASES / 20);
    }

    private static int[] runCase(long seed, boolean asCard) {
        Random r = new Random(seed);
        List<String> log = new ArrayList<>();
        assertThat(alsa.any()).isZero();
        Card card = Card.random(r, asCard);
        HwNegotiation java;
        int steps = 0;
        int refused = 0;
        List<Step> plan = new ArrayList<>();
        if (asCard) {
            HwRefiner refiner = HwRefiner.of(card.hwConstraints(), List.of());
            for (Step s : card.steps()) {
                log.add(s.name());
                steps++;
                if (s.alsa().run()[0] < 0) {
                    // constraints that leave nothing: the card's whole space is refused too
                    assertThatThrownBy(refiner::any).as("seed %x: %s", seed, log).isInstanceOf(ErrnoException.class)
                            .hasMessageContaining("EINVAL");
                    return new int[] {steps, refused + 1, 0, 0};
                }
            }
            java = HwNegotiation.any(refiner::refine);
            assertSame(seed, log, "the constraints", alsa.space(), java.space());
        } else {
            java = HwNegotiation.any(nullPcm());
            plan.addAll(card.steps());
        }
        int requests = 2 + r.nextInt(6);
        for (int k = 0; k < requests; k++) {
            plan.add(request(r));
        }
        for (Step s : plan) {
            int outcome = compare(seed, log, s, java);
            steps++;
            if (outcome == QUIRK) {
                return new int[] {steps, refused, 1, 0};
            }
            if (outcome == REFUSED_END) {
                return new int[] {steps, refused + 1, 0, 0};
            }
            refused += outcome == REFUSED ? 1 : 0;
        }
        // snd_pcm_hw_params: refine, choose, install
        int err = alsa.hwParams();
        HwSpace chosen = null;
        String javaError = null;
        try {
            java.refine();
            chosen = java.choose();
        } catch (ErrnoException e) {
            javaError = e.getMessage();
        }
        if (err >= 0 && javaError != null && hasEmpty(alsa.space())) {
            // _snd_pcm_hw_params_internal ignores a failed snd_pcm_hw_params_choose and installs a space
            // with an empty parameter; pcmshare refuses it
            alsa.hwFree();
            return new int[] {steps, refused, 1, 0};
        }
        if ((err < 0) != (javaError != null)) {
            fail("seed %x: snd_pcm_hw_params gave %d, pcmshare %s%nsteps: %s", seed, err,
                    javaError == null ? "a configuration" : javaError, log);
        }
        if (err >= 0) {
            assertSame(seed, log, "snd_pcm_hw_params", alsa.space(), chosen);
            for (HwParam p : List.of(ACCESS, FORMAT, SUBFORMAT, CHANNELS, RATE, PERIOD_SIZE, PERIOD_TIME,
                    BUFFER_SIZE)) {
                assertThat(chosen.isSingle(p)).as("seed %x: %s chosen", seed, p).isTrue();
            }
            alsa.hwFree();
        }
        return new int[] {steps, refused, 0, err >= 0 ? 1 : 0};
    }

    /** Runs one step on both; answers ACCEPTED, REFUSED or QUIRK (alsa-lib left a broken space). */
    private static int compare(long seed, List<String> log, Step s, HwNegotiation java) {
        log.add(s.name());
        long[] a = s.alsa().run();
        long[] j;
        HwSpace before = java.space();
        try {
            j = s.java().run(java);
        } catch (ErrnoException e) {
            j = new long[] {-1, 0, 0};
        }
        if ((a[0] < 0) != (j[0] < 0)) {
            fail("seed %x: %s: alsa-lib answered %d, pcmshare %s%nsteps: %s%nbefore:%n%s", seed, s.name(), a[0],
                    j[0] < 0 ? "a refusal" : "success", log, before.dump());
        }
        if (a[0] < 0 && !s.restores()) {
            // alsa-lib's _near, _first and _last do not restore the space when they fail (no SND_TRY):
            // an application stops there; pcmshare leaves the space as it was
            return REFUSED_END;
        }
        if (a[0] >= 0 && hasEmpty(alsa.space())) {
            // alsa-lib's set_near narrows with SND_CHANGE: when that refinement fails half-way and the
            // parameter is already single, it answers success on a space with an empty parameter
            return QUIRK;
        }
        if (a[0] >= 0 && s.answers()) {
            assertThat(new long[] {j[1], j[2]}).as("seed %x: %s answer; steps %s", seed, s.name(), log)
                    .containsExactly(a[1], a[2]);
        }
        assertSame(seed, log, s.name(), alsa.space(), java.space());
        return a[0] >= 0 ? ACCEPTED : REFUSED;
    }

    private static boolean hasEmpty(HwSpace s) {
        for (HwParam p : HwParam.values()) {
            if (s.isEmpty(p)) {
                return true;
            }
        }
        return false;
    }

    private static void assertSame(long seed, List<String> log, String step, HwSpace alsaSpace, HwSpace javaSpace) {
        for (HwParam p : HwParam.values()) {
            boolean same = p.isMask() ? alsaSpace.mask(p) == javaSpace.mask(p)
                    : alsaSpace.interval(p).equals(javaSpace.interval(p));
            if (!same) {
                fail("seed %x: after %s, %s is %s in alsa-lib but %s in pcmshare%nsteps: %s%nalsa-lib:%n%spcmshare:%n%s",
                        seed, step, p, alsaSpace.describe(p),
                        javaSpace.describe(p), log, alsaSpace.dump(),
                        javaSpace.dump());
            }
        }
        assertThat(javaSpace.rateDen()).as("seed %x: rate_den after %s", seed, step).isEqualTo(alsaSpace.rateDen());
        assertThat(javaSpace.rateNum()).as("seed %x: rate_num after %s", seed, step).isEqualTo(alsaSpace.rateNum());
    }

    /** One step; {@code answers}: it returns a value to compare; {@code restores}: SND_TRY, undone on failure. */
    record Step(String name, AlsaRun alsa, JavaRun java, boolean answers, boolean restores) {
        Step(String name, AlsaRun alsa, JavaRun java, boolean answers) {
            this(name, alsa, java, answers, !answers);
        }
    }

    interface AlsaRun {
        long[] run();
    }

    interface JavaRun {
        long[] run(HwNegotiation n);
    }

    private static long[] ok() {
        return new long[] {0, 0, 0};
    }

    private static long[] of(int err) {
        return new long[] {err, 0, 0};
    }

    private static long[] value(HwNegotiation.Value v) {
        return new long[] {0, v.value(), v.dir()};
    }

    /** A card's random constraints: formats, accesses, channels, rates, period size, periods, buffer size. */
    record Card(long formats, long accesses, Range channels, Range rates, Range periodSize, Range periods,
            boolean integerPeriods, Range bufferSize) {

        static Card random(Random r, boolean wholePeriods) {
            long formats = 0;
            for (SampleFormat f : SampleFormat.values()) {
                formats |= r.nextInt(3) == 0 ? 1L << AlsaFormat.of(f).number() : 0;
            }
            // pcmshare has no MMAP_COMPLEX (2); alsa-lib's null PCM chooses it and then fails to map it
            long pick = 1 + r.nextInt(0b1111);
            int r1 = RATES[r.nextInt(RATES.length)];
            int r2 = r.nextInt(4) == 0 ? r1 : RATES[r.nextInt(RATES.length)];
            return new Card(formats == 0 ? 1L << AlsaFormat.S16_LE.number() : formats,
                    (pick & 0b11) | (pick & 0b1100) << 1, range(1 + r.nextInt(8), 1 + r.nextInt(8)), range(r1, r2),
                    range(16 << r.nextInt(6), 16 << r.nextInt(10)), range(1 + r.nextInt(4), 2 + r.nextInt(32)),
                    wholePeriods || r.nextBoolean(), range(32 << r.nextInt(6), 64 << r.nextInt(12)));
        }

        private static Range range(long a, long b) {
            return Range.of(Math.min(a, b), Math.max(a, b));
        }

        /** The constraints as an application's first steps. */
        List<Step> steps() {
            List<Step> steps = new ArrayList<>();
            steps.add(new Step("format_mask " + Long.toHexString(formats), () -> of(alsa.setMask("format", formats)),
                    n -> { n.setMask(FORMAT, formats); return ok(); }, false));
            steps.add(new Step("access_mask " + Long.toBinaryString(accesses),
                    () -> of(alsa.setMask("access", accesses)), n -> { n.setMask(ACCESS, accesses); return ok(); },
                    false));
            steps.add(minmax("channels", CHANNELS, channels, false, false));
            steps.add(minmax("rate", RATE, rates, false, true));
            steps.add(minmax("period_size", PERIOD_SIZE, periodSize, true, true));
            steps.add(minmax("periods", PERIODS, periods, false, true));
            if (integerPeriods) {
                steps.add(new Step("periods_integer", () -> of(alsa.setFlag("periods_integer")),
                        n -> { n.setInteger(PERIODS); return ok(); }, false));
            }
            steps.add(minmax("buffer_size", BUFFER_SIZE, bufferSize, true, false));
            return steps;
        }

        /** The same constraints as a card declares them. */
        HwConstraints hwConstraints() {
            Set<Access> access = EnumSet.noneOf(Access.class);
            for (Access a : Access.values()) {
                if ((accesses & 1L << HwSpace.accessNumber(a)) != 0) {
                    access.add(a);
                }
            }
            Set<SampleFormat> fmts = EnumSet.noneOf(SampleFormat.class);
            for (SampleFormat f : SampleFormat.values()) {
                if ((formats & 1L << AlsaFormat.of(f).number()) != 0) {
                    fmts.add(f);
                }
            }
            return new HwConstraints(access, fmts, rates, List.of(), channels, periodSize, periods, bufferSize,
                    Set.of());
        }
    }

    private static Step minmax(String name, HwParam p, Range range, boolean frames, boolean dirs) {
        long lo = range.min();
        long hi = range.max();
        return new Step(name + "_minmax " + lo + " " + hi, () -> of(alsa.setMinmax(name, lo, hi, frames, dirs)),
                n -> { n.setMinmax(p, lo, 0, hi, 0); return ok(); }, false);
    }

    /** An application's request: set, near, first, last, min or max on one parameter. */
    private static Step request(Random r) {
        int kind = r.nextInt(14);
        return switch (kind) {
            case 0 -> {
                int access = new int[] {0, 1, 3, 4}[r.nextInt(4)];
                yield new Step("access " + access, () -> of(alsa.setValue("access", access, null)),
                        n -> { n.set(ACCESS, access, 0); return ok(); }, false);
            }
            case 1 -> {
                int format = AlsaFormat.of(SampleFormat.values()[r.nextInt(SampleFormat.values().length)]).number();
                yield new Step("format " + format, () -> of(alsa.setValue("format", format, null)),
                        n -> { n.set(FORMAT, format, 0); return ok(); }, false);
            }
            case 2 -> {
                int ch = 1 + r.nextInt(8);
                yield new Step("channels " + ch, () -> of(alsa.setValue("channels", ch, null)),
                        n -> { n.set(CHANNELS, ch, 0); return ok(); }, false);
            }
            case 3 -> near(r, "channels_near", CHANNELS, 1 + r.nextInt(10), false, false);
            case 4 -> near(r, "rate_near", RATE, RATES[r.nextInt(RATES.length)] + r.nextInt(3) - 1, false, true);
            case 5 -> near(r, "period_time_near", PERIOD_TIME, 500 + r.nextInt(200_000), false, true);
            case 6 -> near(r, "period_size_near", PERIOD_SIZE, 8 + r.nextInt(10_000), true, true);
            case 7 -> near(r, "buffer_time_near", BUFFER_TIME, 1000 + r.nextInt(2_000_000), false, true);
            case 8 -> near(r, "buffer_size_near", BUFFER_SIZE, 16 + r.nextInt(100_000), true, false);
            case 9 -> near(r, "periods_near", PERIODS, 1 + r.nextInt(40), false, true);
            case 10 -> firstLast(r, "rate", RATE, false);
            case 11 -> firstLast(r, "period_size", PERIOD_SIZE, true);
            case 12 -> minOrMax(r, "buffer_size", BUFFER_SIZE, 16 + r.nextInt(100_000), true, false);
            default -> minOrMax(r, "period_time", PERIOD_TIME, 1000 + r.nextInt(100_000), false, true);
        };
    }

    private static Step near(Random r, String name, HwParam p, long v, boolean frames, boolean dirs) {
        int dir = dirs ? r.nextInt(3) - 1 : 0;
        Integer alsaDir = dirs ? dir : null;
        return new Step(name + " " + v + (dirs ? " dir " + dir : ""), () -> alsa.setRef(name, v, alsaDir, frames),
                n -> value(n.setNear(p, v, dir)), true);
    }

    private static Step firstLast(Random r, String name, HwParam p, boolean frames) {
        boolean first = r.nextBoolean();
        String fn = name + (first ? "_first" : "_last");
        return new Step(fn, () -> alsa.setRef(fn, 0, 0, frames),
                n -> value(first ? n.setFirst(p) : n.setLast(p)), true);
    }

    private static Step minOrMax(Random r, String name, HwParam p, long v, boolean frames, boolean dirs) {
        boolean min = r.nextBoolean();
        int dir = dirs ? r.nextInt(3) - 1 : 0;
        Integer alsaDir = dirs ? dir : null;
        String fn = name + (min ? "_min" : "_max");
        return new Step(fn + " " + v + " dir " + dir, () -> alsa.setRef(fn, v, alsaDir, frames),
                n -> value(min ? n.setMin(p, v, dir) : n.setMax(p, v, dir)), true, true);
    }
}
