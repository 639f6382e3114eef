package pcmshare.core.api.pcm.hw;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;

/**
 * One space while a {@link HwRefiner} narrows it: the mutable
 * {@code struct snd_pcm_hw_params} of the kernel's snd_pcm_hw_refine, seen by
 * the rules through {@link HwRuleParams}.
 */
final class Refinement implements HwRuleParams {
    final long[] masks = new long[HwParam.MASKS];
    final SndInterval[] intervals = new SndInterval[HwParam.INTERVALS];
    final int flags;
    int rmask;
    int cmask;
    int info;
    int msbits;
    int rateNum;
    int rateDen;
    long fifoSize;
    private final String op;

    Refinement(HwSpace s, String op) {
        this.op = op;
        for (HwParam p : HwParam.values()) {
            if (p.isMask()) {
                masks[p.slot()] = s.mask(p);
            } else {
                intervals[p.slot()] = new SndInterval(s.interval(p));
            }
        }
        flags = s.flags();
        rmask = s.rmask();
        cmask = s.cmask();
        info = s.info();
        msbits = s.msbits();
        rateNum = s.rateNum();
        rateDen = s.rateDen();
        fifoSize = s.fifoSize();
    }

    String operation() {
        return op;
    }

    HwSpace toSpace() {
        Interval[] is = new Interval[HwParam.INTERVALS];
        for (int k = 0; k < is.length; k++) {
            is[k] = intervals[k].get();
        }
        return HwSpace.of(masks, is, flags, rmask, cmask, info, msbits, rateNum, rateDen, fifoSize);
    }

    SndInterval ival(HwParam p) {
        if (p.isMask()) {
            throw new IllegalArgumentException(p + " is a mask, not an interval");
        }
        return intervals[p.slot()];
    }

    /** The answer of a C refinement step: changed or not, or EINVAL naming the parameter. */
    boolean check(HwParam p, int result) {
        if (result < 0) {
            throw empty(p);
        }
        return result > 0;
    }

    ErrnoException empty(HwParam p) {
        return new ErrnoException(Errno.EINVAL, op, null, p + " NONE",
                "no configuration is left: " + p + " became empty");
    }

    @Override
    public Interval interval(HwParam p) {
        return ival(p).get();
    }

    @Override
    public long mask(HwParam p) {
        if (!p.isMask()) {
            throw new IllegalArgumentException(p + " is an interval, not a mask");
        }
        return masks[p.slot()];
    }

    @Override
    public boolean refine(HwParam p, Interval v) {
        return check(p, ival(p).refine(v));
    }

    @Override
    public boolean refineMask(HwParam p, long bits) {
        long old = mask(p);
        if (old == 0) {
            throw empty(p);
        }
        masks[p.slot()] = old & bits;
        if (masks[p.slot()] == 0) {
            throw empty(p);
        }
        return masks[p.slot()] != old;
    }

    @Override
    public boolean refineList(HwParam p, long... values) {
        return check(p, ival(p).list(values));
    }

    @Override
    public boolean refineRanges(HwParam p, Interval... ranges) {
        return check(p, ival(p).ranges(ranges));
    }

    @Override
    public boolean refineRatnum(HwParam p, Ratnum... rats) {
        long[] numDen = new long[2];
        boolean changed = check(p, ival(p).ratnum(rats, numDen));
        if (p == HwParam.RATE && numDen[1] != 0) {
            rate((int) numDen[0], (int) numDen[1]);
        }
        return changed;
    }

    @Override
    public boolean refineStep(HwParam p, long step) {
        return check(p, ival(p).step(step));
    }

    @Override
    public void msbits(int bits) {
        msbits = bits;
    }

    @Override
    public void rate(int num, int den) {
        rateNum = num;
        rateDen = den;
    }

    @Override
    public int flags() {
        return flags;
    }

    @Override
    public ErrnoException refused(HwParam p, Object value, String detail) {
        return new ErrnoException(Errno.EINVAL, op, null, value, detail);
    }
}
