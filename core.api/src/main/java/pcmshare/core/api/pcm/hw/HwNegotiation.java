package pcmshare.core.api.pcm.hw;

import static pcmshare.core.api.pcm.hw.Interval.u32;

import java.util.Objects;
import java.util.function.UnaryOperator;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * An application's side of the negotiation, as alsa-lib does it in
 * {@code src/pcm/pcm_params.c}: start from the card's whole space
 * ({@code snd_pcm_hw_params_any}), narrow it one parameter at a time
 * ({@code snd_pcm_hw_params_set_*}, {@code _min}, {@code _max},
 * {@code _minmax}, {@code _first}, {@code _last}, {@code _near}), each step
 * followed by the substream's refinement, then choose one configuration
 * ({@code snd_pcm_hw_params_choose}) and install it. A step that would leave
 * nothing throws EINVAL (ENOENT where alsa-lib answers that) and leaves the
 * space as it was, as alsa-lib's SND_TRY steps do.
 *
 * <pre>{@code
 * HwNegotiation hw = HwNegotiation.any(substream);
 * hw.setAccess(Access.MMAP_INTERLEAVED);
 * hw.setFormat(SampleFormat.S16_LE);
 * hw.setChannels(2);
 * hw.setNear(HwParam.RATE, 44_100, 0);           // 48000 on a 48 kHz-only card
 * hw.setNear(HwParam.PERIOD_TIME, 10_000, 0);    // about 10 ms
 * HwParams chosen = hw.install(substream);
 * }</pre>
 *
 * <p>Not thread-safe: one negotiation belongs to one thread.
 */
public final class HwNegotiation {

    /** defaults.pcm.minperiodtime of alsa-lib's alsa.conf, in microseconds. */
    public static final int DEFAULT_MIN_PERIOD_TIME = 5000;

    /** A value alsa-lib returns with its direction: -1 just below, 0 exactly, 1 just above. */
    public record Value(long value, int dir) {
    }

    private final UnaryOperator<HwSpace> refiner;
    private HwSpace space;

    /** A negotiation over {@code space}, refined by {@code refiner} (a substream's hwRefine). */
    public HwNegotiation(UnaryOperator<HwSpace> refiner, HwSpace space) {
        this.refiner = Objects.requireNonNull(refiner, "refiner");
        this.space = Objects.requireNonNull(space, "space");
    }

    /** snd_pcm_hw_params_any: the whole space of what {@code refiner} serves. */
    public static HwNegotiation any(UnaryOperator<HwSpace> refiner) {
        return new HwNegotiation(refiner, refiner.apply(HwSpace.any()));
    }

    /** snd_pcm_hw_params_any on a substream. */
    public static HwNegotiation any(PcmSubstream substream) {
        return any(substream::hwRefine);
    }

    /** The space as narrowed so far. */
    public HwSpace space() {
        return space;
    }

    /** snd_pcm_hw_params_set_access. */
    public void setAccess(Access a) {
        set(HwParam.ACCESS, HwSpace.accessNumber(a), 0);
    }

    /** snd_pcm_hw_params_set_format. */
    public void setFormat(SampleFormat f) {
        set(HwParam.FORMAT, AlsaFormat.of(f).number(), 0);
    }

    /** snd_pcm_hw_params_set_channels. */
    public void setChannels(int channels) {
        set(HwParam.CHANNELS, channels, 0);
    }

    /** snd_pcm_hw_param_set (SND_TRY): exactly {@code value}, or just beside it for a non-zero dir. */
    public void set(HwParam p, long value, int dir) {
        Refinement w = work("set", p, value);
        check(p, setStep(w, p, value, dir));
        space = refineIfRequested(w);
    }

    /** snd_pcm_hw_param_set (SND_TEST): whether {@code value} is still possible; the space does not change. */
    public boolean test(HwParam p, long value, int dir) {
        Refinement w = work("test", p, value);
        try {
            check(p, setStep(w, p, value, dir));
            if (!p.isMask()) {
                refineIfRequested(w);
            }
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /** snd_pcm_hw_param_set_min (SND_TRY): drop the values below; answers the new minimum. */
    public Value setMin(HwParam p, long value, int dir) {
        HwSpace s = minStep(p, value, dir);
        space = s;
        return minOf(s, p);
    }

    /** snd_pcm_hw_param_set_max (SND_TRY): drop the values above; answers the new maximum. */
    public Value setMax(HwParam p, long value, int dir) {
        HwSpace s = maxStep(p, value, dir);
        space = s;
        return maxOf(s, p);
    }

    /** snd_pcm_hw_param_set_minmax (SND_TRY). */
    public void setMinmax(HwParam p, long min, int mindir, long max, int maxdir) {
        Refinement w = work("set_minmax", p, min);
        int c = setMinStep(w, p, min, mindir);
        if (c >= 0) {
            c = setMaxStep(w, p, max, maxdir);
        }
        check(p, c);
        space = refineIfRequested(w);
    }

    /** snd_pcm_hw_param_set_mask (SND_TRY): keep only the mask values in {@code bits}. */
    public void setMask(HwParam p, long bits) {
        Refinement w = work("set_mask", p, Long.toHexString(bits));
        long old = w.mask(p);
        if (old == 0) {
            throw w.empty(p);
        }
        long now = old & bits;
        if (now == 0) {
            throw w.empty(p);
        }
        mark(w, p, now != old ? 1 : 0);
        w.masks[p.slot()] = now;
        space = refineIfRequested(w);
    }

    /** snd_pcm_hw_param_set_integer (SND_TRY): only whole numbers. */
    public void setInteger(HwParam p) {
        Refinement w = work("set_integer", p, null);
        int c = w.ival(p).setInteger();
        check(p, c);
        mark(w, p, c);
        space = refineIfRequested(w);
    }

    /** snd_pcm_hw_param_set_first: keep the smallest value; answers it. */
    public Value setFirst(HwParam p) {
        space = firstStep(space, p, true);
        return valueOf(space, p);
    }

    /** snd_pcm_hw_param_set_last: keep the largest value; answers it. */
    public Value setLast(HwParam p) {
        space = firstStep(space, p, false);
        return valueOf(space, p);
    }

    /**
     * snd_pcm_hw_param_set_near: keep the value nearest to {@code value}
     * (on a tie, the larger; and at once when one value is left at or above it, as alsa-lib); answers it. E.g. 44100 Hz on a card of 48 kHz
     * only gives 48000.
     */
    public Value setNear(HwParam p, long value, int dir) {
        if (p.isMask()) {
            throw new IllegalArgumentException("set_near takes an interval, not " + p);
        }
        long best = Math.min(value, Integer.MAX_VALUE);
        long min = best;
        long max = best;
        int mindir = dir;
        int maxdir;
        if (dir > 0) {
            maxdir = 0;
        } else if (dir == 0) {
            maxdir = -1;
        } else {
            maxdir = 1;
            max = u32(max - 1);
        }
        HwSpace save = space;
        HwSpace afterMin = null;
        try {
            afterMin = minStep(p, min, mindir);
        } catch (ErrnoException e) {
            // below: nothing at or above the value
        }
        if (afterMin != null) {
            Interval i = afterMin.interval(p);
            if (!i.empty() && i.isSingle()) {
                space = afterMin;
                return minOf(afterMin, p);
            }
            Value newMin = minOf(afterMin, p);
            space = afterMin;
            boolean last = false;
            if (newMin.value() != min || newMin.dir() != dir) {
                try {
                    space = save;
                    HwSpace afterMax = maxStep(p, max, maxdir);
                    Value newMax = maxOf(afterMax, p);
                    if (boundaryNearer((int) newMax.value(), newMax.dir(), (int) best, dir, (int) newMin.value(),
                            newMin.dir())) {
                        space = afterMax;
                        last = true;
                    } else {
                        space = afterMin;
                    }
                } catch (ErrnoException e) {
                    space = afterMin;
                }
            }
            return last ? setLast(p) : setFirst(p);
        }
        space = save;
        space = maxStep(p, max, maxdir);
        return setLast(p);
    }

    /**
     * snd_pcm_hw_params_choose with alsa.conf's minperiodtime of 5 ms:
     * first access, format, subformat, channels and rate; a period time above
     * 5 ms where the space allows less and more; then the largest buffer, the
     * smallest period size and period time, the smallest tick time.
     */
    public HwSpace choose() {
        return choose(DEFAULT_MIN_PERIOD_TIME);
    }

    /** snd_pcm_hw_params_choose with this minperiodtime in microseconds (0: none). */
    public HwSpace choose(long minPeriodTime) {
        setFirst(HwParam.ACCESS);
        setFirst(HwParam.FORMAT);
        setFirst(HwParam.SUBFORMAT);
        setFirst(HwParam.CHANNELS);
        setFirst(HwParam.RATE);
        if (minPeriodTime > 0) {
            Interval t = space.interval(HwParam.PERIOD_TIME);
            if (!t.empty() && t.min() < minPeriodTime && t.max() > minPeriodTime) {
                try {
                    setMin(HwParam.PERIOD_TIME, minPeriodTime, 1);
                } catch (ErrnoException e) {
                    // alsa-lib ignores this step's failure
                }
            }
        }
        setLast(HwParam.BUFFER_SIZE);
        setFirst(HwParam.PERIOD_SIZE);
        setFirst(HwParam.PERIOD_TIME);
        setFirst(HwParam.TICK_TIME);
        return space;
    }

    /** snd_pcm_hw_refine on the space as it is (what snd_pcm_hw_params does before it chooses). */
    public HwSpace refine() {
        space = refiner.apply(space);
        return space;
    }

    /** Refine, choose and install on {@code substream} (snd_pcm_hw_params); answers what was installed. */
    public HwParams install(PcmSubstream substream) {
        refine();
        choose();
        return substream.hwParams(space.toHwParams());
    }

    // --- the steps of pcm_params.c, on a working copy ---

    private Refinement work(String op, HwParam p, Object value) {
        return new Refinement(space, "hw_params_" + op + " " + p + (value == null ? "" : " " + value));
    }

    private HwSpace refineIfRequested(Refinement w) {
        HwSpace s = w.toSpace();
        return w.rmask != 0 ? refiner.apply(s) : s;
    }

    private static void check(HwParam p, int result) {
        if (result < 0) {
            throw new ErrnoException(result == SndInterval.ENOENT ? Errno.ENOENT : Errno.EINVAL, "hw_params", null,
                    p, "no configuration is left for " + p);
        }
    }

    private static void mark(Refinement w, HwParam p, int changed) {
        if (changed != 0) {
            w.cmask |= p.bit();
            w.rmask |= p.bit();
        }
    }

    private HwSpace minStep(HwParam p, long value, int dir) {
        return boundStep(p, value, dir, true);
    }

    private HwSpace maxStep(HwParam p, long value, int dir) {
        return boundStep(p, value, dir, false);
    }

    /** snd_pcm_hw_param_set_min or _set_max: the bound, the refinement, ENOENT when nothing is left. */
    private HwSpace boundStep(HwParam p, long value, int dir, boolean min) {
        String op = min ? "set_min" : "set_max";
        Refinement w = work(op, p, value);
        check(p, min ? setMinStep(w, p, value, dir) : setMaxStep(w, p, value, dir));
        HwSpace s = refineIfRequested(w);
        if (s.isEmpty(p)) {
            throw new ErrnoException(Errno.ENOENT, "hw_params_" + op, null, p, p + " has no value left");
        }
        return s;
    }

    private HwSpace firstStep(HwSpace from, HwParam p, boolean first) {
        Refinement w = new Refinement(from, "hw_params_set_" + (first ? "first " : "last ") + p);
        int c;
        if (p.isMask()) {
            long m = w.masks[p.slot()];
            if (m == 0) {
                c = SndInterval.ENOENT;
            } else if ((m & (m - 1)) == 0) {
                c = 0;
            } else {
                w.masks[p.slot()] = first ? Long.lowestOneBit(m) : Long.highestOneBit(m);
                c = 1;
            }
        } else {
            c = first ? w.ival(p).refineFirst() : w.ival(p).refineLast();
        }
        check(p, c);
        if (c > 0) {
            mark(w, p, c);
        }
        return refineIfRequested(w);
    }

    /** _snd_pcm_hw_param_set. */
    private static int setStep(Refinement w, HwParam p, long val, int dir) {
        int changed;
        if (p.isMask()) {
            if (val == 0 && dir < 0) {
                w.masks[p.slot()] = 0;
                changed = SndInterval.EINVAL;
            } else {
                long v = dir > 0 ? val + 1 : dir < 0 ? val - 1 : val;
                long m = w.masks[p.slot()];
                if (m == 0) {
                    return SndInterval.ENOENT;
                }
                changed = (m & (m - 1)) != 0 ? 1 : 0;
                w.masks[p.slot()] = v >= 0 && v < 64 ? m & (1L << v) : 0;
                if (w.masks[p.slot()] == 0) {
                    changed = SndInterval.EINVAL;
                }
            }
        } else {
            SndInterval i = w.ival(p);
            if (val == 0 && dir < 0) {
                i.empty = true;
                changed = SndInterval.EINVAL;
            } else if (dir == 0) {
                changed = i.refineSet(val);
            } else if (dir < 0) {
                changed = i.refine(new Interval(u32(val - 1), val, true, true, false, false));
            } else {
                changed = i.refine(new Interval(val, u32(val + 1), true, true, false, false));
            }
        }
        mark(w, p, changed);
        return changed;
    }

    /** _snd_pcm_hw_param_set_min. */
    private static int setMinStep(Refinement w, HwParam p, long val, int dir) {
        boolean open = false;
        if (dir > 0) {
            open = true;
        } else if (dir < 0 && val > 0) {
            open = true;
            val--;
        }
        int changed;
        if (p.isMask()) {
            changed = maskRefineMin(w, p, val + (open ? 1 : 0));
        } else {
            changed = w.ival(p).refineMin(val, open);
        }
        mark(w, p, changed);
        return changed;
    }

    /** _snd_pcm_hw_param_set_max. */
    private static int setMaxStep(Refinement w, HwParam p, long val, int dir) {
        boolean open = false;
        if (dir < 0) {
            open = true;
        } else if (dir > 0) {
            open = true;
            val = u32(val + 1);
        }
        int changed;
        if (p.isMask()) {
            if (val == 0 && open) {
                w.masks[p.slot()] = 0;
                changed = SndInterval.EINVAL;
            } else {
                changed = maskRefineMax(w, p, val - (open ? 1 : 0));
            }
        } else {
            changed = w.ival(p).refineMax(val, open);
        }
        mark(w, p, changed);
        return changed;
    }

    private static int maskRefineMin(Refinement w, HwParam p, long val) {
        long m = w.masks[p.slot()];
        if (m == 0) {
            return SndInterval.ENOENT;
        }
        if (Long.numberOfTrailingZeros(m) >= val) {
            return 0;
        }
        w.masks[p.slot()] = val >= 64 ? 0 : m & (-1L << val);
        return w.masks[p.slot()] == 0 ? SndInterval.EINVAL : 1;
    }

    private static int maskRefineMax(Refinement w, HwParam p, long val) {
        long m = w.masks[p.slot()];
        if (m == 0) {
            return SndInterval.ENOENT;
        }
        if (63 - Long.numberOfLeadingZeros(m) <= val) {
            return 0;
        }
        w.masks[p.slot()] = m & ((-1L) >>> (63 - val));
        return w.masks[p.slot()] == 0 ? SndInterval.EINVAL : 1;
    }

    private static Value minOf(HwSpace s, HwParam p) {
        return p.isMask() ? new Value(s.min(p), 0) : new Value(s.interval(p).min(), s.interval(p).openMin() ? 1 : 0);
    }

    private static Value maxOf(HwSpace s, HwParam p) {
        return p.isMask() ? new Value(s.max(p), 0)
                : new Value(s.interval(p).max(), s.interval(p).openMax() ? -1 : 0);
    }

    private static Value valueOf(HwSpace s, HwParam p) {
        if (!s.isSingle(p)) {
            throw new ErrnoException(Errno.EINVAL, "hw_params", null, p + " " + s.describe(p),
                    "the parameter has not been narrowed to one value");
        }
        return p.isMask() ? new Value(s.value(p), 0) : new Value(s.value(p), s.interval(p).openMin() ? 1 : 0);
    }

    // --- alsa-lib's interval.c boundary helpers, in C int arithmetic ---

    private static int[] boundarySub(int a, int adir, int b, int bdir) {
        adir = Integer.signum(adir);
        bdir = Integer.signum(bdir);
        int c = a - b;
        int cdir = adir - bdir;
        if (cdir == -2) {
            c--;
        } else if (cdir == 2) {
            c++;
        }
        return new int[] {c, cdir};
    }

    private static boolean boundaryLt(int a, int adir, int b, int bdir) {
        if (adir < 0) {
            a--;
            adir = 1;
        } else if (adir > 0) {
            adir = 1;
        }
        if (bdir < 0) {
            b--;
            bdir = 1;
        } else if (bdir > 0) {
            bdir = 1;
        }
        return Integer.compareUnsigned(a, b) < 0 || (a == b && adir < bdir);
    }

    private static boolean boundaryNearer(int min, int mindir, int best, int bestdir, int max, int maxdir) {
        int[] dmin = boundarySub(best, bestdir, min, mindir);
        int[] dmax = boundarySub(max, maxdir, best, bestdir);
        return boundaryLt(dmin[0], dmin[1], dmax[0], dmax[1]);
    }
}
