package pcmshare.core.api.pcm.hw;

import java.util.ArrayList;
import java.util.List;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * A substream's hw_refine: the kernel's {@code snd_pcm_hw_refine} and
 * {@code fixup_unreferenced_params} ({@code sound/core/pcm_native.c}) over
 * the substream's constraints. The constraints are a space of their own
 * (what {@code snd_pcm_hw_constraints_complete} makes of the driver's
 * hardware description) and a list of rules (the standard ones of
 * {@code snd_pcm_hw_constraints_init}, then the driver's, then the card's
 * rate list). Refining intersects each requested parameter with its
 * constraint, then applies the rules, each whenever a parameter it depends on
 * changed since it last ran, until none changes anything.
 */
public final class HwRefiner {

    /** SNDRV_PCM_INFO_* bits the core reports. */
    public static final int INFO_MMAP = 0x1;
    public static final int INFO_MMAP_VALID = 0x2;
    public static final int INFO_INTERLEAVED = 0x100;
    public static final int INFO_NONINTERLEAVED = 0x200;
    public static final int INFO_BLOCK_TRANSFER = 0x10000;
    public static final int INFO_RESUME = 0x40000;
    public static final int INFO_PAUSE = 0x80000;

    /** Rule applications after which a refinement that still changes is refused (a rule that never settles). */
    static final int MAX_APPLICATIONS = 100_000;

    private final HwSpace constraints;
    private final List<HwRule> rules;
    private final int info;

    private HwRefiner(HwSpace constraints, List<HwRule> rules, int info) {
        this.constraints = constraints;
        this.rules = List.copyOf(rules);
        this.info = info;
    }

    /**
     * A refiner from raw constraints: each parameter of {@code constraints} is
     * what that parameter may be; {@code rules} come after the standard ones;
     * {@code info} is what the refinement reports in SNDRV_PCM_INFO_* bits.
     */
    public static HwRefiner of(HwSpace constraints, List<HwRule> rules, int info) {
        List<HwRule> all = new ArrayList<>(StandardRules.RULES);
        all.addAll(rules);
        return new HwRefiner(constraints, all, info);
    }

    /**
     * The refiner of a substream with these hardware constraints and the rules
     * its driver added when it opened: access, formats, channels, rate, period
     * size, periods and buffer size as declared; periods whole (a pcmshare ring
     * holds whole periods); the discrete rates, if any, as a list rule after the
     * driver's rules.
     */
    public static HwRefiner of(HwConstraints c, List<HwRule> driverRules) {
        long access = 0;
        int info = 0;
        for (Access a : c.accesses()) {
            access |= 1L << HwSpace.accessNumber(a);
            info |= a.isMmap() ? INFO_MMAP | INFO_MMAP_VALID : 0;
            info |= a.isInterleaved() ? INFO_INTERLEAVED : INFO_NONINTERLEAVED;
        }
        long formats = 0;
        for (SampleFormat f : c.formats()) {
            formats |= 1L << AlsaFormat.of(f).number();
        }
        info |= c.has(PcmCapability.PAUSE) ? INFO_PAUSE : 0;
        info |= c.has(PcmCapability.RESUME) ? INFO_RESUME : 0;
        HwSpace space = HwSpace.any()
                .withMask(HwParam.ACCESS, access)
                .withMask(HwParam.FORMAT, formats)
                .withMask(HwParam.SUBFORMAT, 1L << HwSpace.SUBFORMAT_STD)
                .withInterval(HwParam.SAMPLE_BITS, Interval.ofIntegers(0, Interval.UINT_MAX))
                .withInterval(HwParam.FRAME_BITS, Interval.ofIntegers(0, Interval.UINT_MAX))
                .withInterval(HwParam.CHANNELS, integers(c.channels()))
                .withInterval(HwParam.RATE, bounded(c.rates(), false))
                .withInterval(HwParam.PERIOD_SIZE, bounded(c.periodSize(), false))
                .withInterval(HwParam.PERIODS, integers(c.periods()))
                .withInterval(HwParam.BUFFER_SIZE, integers(c.bufferSize()))
                .withInterval(HwParam.BUFFER_BYTES, Interval.ofIntegers(0, Interval.UINT_MAX));
        List<HwRule> rules = new ArrayList<>(driverRules);
        if (!c.discreteRates().isEmpty()) {
            rules.add(HwRule.list(HwParam.RATE, c.discreteRates().stream().mapToLong(Integer::longValue).toArray()));
        }
        return of(space, rules, info);
    }

    private static Interval integers(Range r) {
        return bounded(r, true);
    }

    private static Interval bounded(Range r, boolean integer) {
        long min = Math.clamp(r.min(), 0, Interval.UINT_MAX);
        long max = Math.clamp(r.max(), 0, Interval.UINT_MAX);
        return new Interval(min, max, false, false, integer, false);
    }

    /** The constraints as a space (each parameter what it may be before any rule). */
    public HwSpace constraints() {
        return constraints;
    }

    /** What the refinement reports in SNDRV_PCM_INFO_* bits. */
    public int info() {
        return info;
    }

    /** The card's whole space: {@code refine(HwSpace.any())}, what snd_pcm_hw_params_any gives. */
    public HwSpace any() {
        return refine(HwSpace.any());
    }

    /**
     * snd_pcm_hw_refine, as the HW_REFINE ioctl runs it: narrows {@code request}
     * to the configurations this substream can take, starting from the
     * parameters its rmask names, and reports info, msbits, rate_num/rate_den
     * and fifo_size. EINVAL names the parameter that was or became empty.
     */
    public HwSpace refine(HwSpace request) {
        return refine(request, "hw_refine");
    }

    /** {@link #refine(HwSpace)}, with refusals naming {@code operation} (e.g. hw_params). */
    public HwSpace refine(HwSpace request, String operation) {
        Refinement r = new Refinement(request, operation);
        r.info = 0;
        r.fifoSize = 0;
        if ((r.rmask & HwParam.SAMPLE_BITS.bit()) != 0) {
            r.msbits = 0;
        }
        if ((r.rmask & HwParam.RATE.bit()) != 0) {
            r.rateNum = 0;
            r.rateDen = 0;
        }
        constrainMasks(r);
        constrainIntervals(r);
        applyRules(r);
        r.rmask = 0;
        fixupUnreferenced(r);
        return r.toSpace();
    }

    /** constrain_mask_params: every mask non-empty; the requested ones within their constraint. */
    private void constrainMasks(Refinement r) {
        for (int k = 0; k < HwParam.MASKS; k++) {
            HwParam p = HwParam.ofNumber(k);
            if (r.masks[k] == 0) {
                throw r.empty(p);
            }
            if ((r.rmask & p.bit()) != 0 && r.refineMask(p, constraints.mask(p))) {
                r.cmask |= p.bit();
            }
        }
    }

    /** constrain_interval_params: every interval non-empty; the requested ones within their constraint. */
    private void constrainIntervals(Refinement r) {
        for (int k = 0; k < HwParam.INTERVALS; k++) {
            HwParam p = HwParam.interval(k);
            if (r.intervals[k].empty) {
                throw r.empty(p);
            }
            if ((r.rmask & p.bit()) != 0 && r.refine(p, constraints.interval(p))) {
                r.cmask |= p.bit();
            }
        }
    }

    /** constrain_params_by_rules: rstamps and vstamps decide which rule runs again. */
    private void applyRules(Refinement r) {
        int[] rstamps = new int[rules.size()];
        int[] vstamps = new int[HwParam.TICK_TIME.number() + 1];
        for (int k = 0; k < vstamps.length; k++) {
            vstamps[k] = (r.rmask & (1 << k)) != 0 ? 1 : 0;
        }
        int stamp = 2;
        boolean again;
        do {
            again = false;
            for (int k = 0; k < rstamps.length; k++) {
                HwRule rule = rules.get(k);
                if (rule.cond() != 0 && (rule.cond() & r.flags) == 0 || !due(rule, vstamps, rstamps[k])) {
                    continue;
                }
                if (stamp > MAX_APPLICATIONS) {
                    throw new ErrnoException(Errno.EINVAL, r.operation(), null, rule.var(),
                            "the rules do not settle after " + MAX_APPLICATIONS + " applications");
                }
                boolean changed = apply(rule, r);
                if (changed && rule.var() != null) {
                    r.cmask |= rule.var().bit();
                    vstamps[rule.var().number()] = stamp;
                    again = true;
                }
                rstamps[k] = stamp++;
            }
        } while (again);
    }

    private static boolean due(HwRule rule, int[] vstamps, int rstamp) {
        for (HwParam d : rule.deps()) {
            if (vstamps[d.number()] > rstamp) {
                return true;
            }
        }
        return false;
    }

    private static boolean apply(HwRule rule, Refinement r) {
        try {
            return rule.function().apply(r);
        } catch (ErrnoException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ErrnoException(Errno.EINVAL, r.operation(), null, rule.var(),
                    "a driver rule for " + rule.var() + " failed: " + e, e);
        }
    }

    /** fixup_unreferenced_params: msbits, the exact rate, fifo_size and info, once they are known. */
    private void fixupUnreferenced(Refinement r) {
        if (r.msbits == 0) {
            SndInterval bits = r.ival(HwParam.SAMPLE_BITS);
            if (bits.single()) {
                r.msbits = (int) bits.value();
            }
            long formats = r.masks[HwParam.FORMAT.slot()];
            if (formats != 0 && (formats & (formats - 1)) == 0) {
                AlsaFormat f = AlsaFormat.ofNumber(Long.numberOfTrailingZeros(formats));
                r.msbits = f == null ? 0 : f.width();
            }
        }
        if (r.rateDen == 0) {
            SndInterval rate = r.ival(HwParam.RATE);
            if (rate.single()) {
                r.rateNum = (int) rate.value();
                r.rateDen = 1;
            }
        }
        if (r.info == 0) {
            r.info = info;
        }
    }
}
