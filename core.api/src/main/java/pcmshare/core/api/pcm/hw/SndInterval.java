package pcmshare.core.api.pcm.hw;

import static pcmshare.core.api.pcm.hw.Interval.UINT_MAX;
import static pcmshare.core.api.pcm.hw.Interval.u32;

/**
 * The refinement steps on one interval, line for line as {@code struct
 * snd_interval} is refined in the kernel's {@code sound/core/pcm_lib.c} and
 * alsa-lib's {@code src/pcm/interval.c}: a mutable working copy, because the
 * "changed" answers the rules engine schedules by are those of the C code, not
 * a comparison of before and after (a closed single value becomes integer
 * without counting as a change). Each step answers 1 when it narrowed the
 * interval, 0 when not, and {@link #EINVAL} (the interval is then empty) or
 * {@link #ENOENT} (it was empty already).
 */
final class SndInterval {
    static final int EINVAL = -22;
    static final int ENOENT = -2;

    long min;
    long max;
    boolean openmin;
    boolean openmax;
    boolean integer;
    boolean empty;

    SndInterval(Interval i) {
        set(i);
    }

    void set(Interval i) {
        min = i.min();
        max = i.max();
        openmin = i.openMin();
        openmax = i.openMax();
        integer = i.integer();
        empty = i.empty();
    }

    Interval get() {
        return new Interval(min, max, openmin, openmax, integer, empty);
    }

    private boolean checkEmpty() {
        return min > max || (min == max && (openmin || openmax));
    }

    boolean single() {
        return min == max || (min + 1 == max && (openmin || openmax));
    }

    long value() {
        return openmin && !openmax ? max : min;
    }

    boolean test(long val) {
        return !(min > val || (min == val && openmin) || max < val || (max == val && openmax));
    }

    int refineMin(long newMin, boolean open) {
        if (empty) {
            return ENOENT;
        }
        int changed = 0;
        if (min < newMin) {
            min = newMin;
            openmin = open;
            changed = 1;
        } else if (min == newMin && !openmin && open) {
            openmin = true;
            changed = 1;
        }
        if (integer && openmin) {
            min = u32(min + 1);
            openmin = false;
        }
        return emptyOr(changed);
    }

    int refineMax(long newMax, boolean open) {
        if (empty) {
            return ENOENT;
        }
        int changed = 0;
        if (max > newMax) {
            max = newMax;
            openmax = open;
            changed = 1;
        } else if (max == newMax && !openmax && open) {
            openmax = true;
            changed = 1;
        }
        if (integer && openmax) {
            max = u32(max - 1);
            openmax = false;
        }
        return emptyOr(changed);
    }

    /** snd_interval_refine: intersect with v. */
    int refine(Interval v) {
        if (empty) {
            return ENOENT;
        }
        int changed = 0;
        if (min < v.min()) {
            min = v.min();
            openmin = v.openMin();
            changed = 1;
        } else if (min == v.min() && !openmin && v.openMin()) {
            openmin = true;
            changed = 1;
        }
        if (max > v.max()) {
            max = v.max();
            openmax = v.openMax();
            changed = 1;
        } else if (max == v.max() && !openmax && v.openMax()) {
            openmax = true;
            changed = 1;
        }
        if (!integer && v.integer()) {
            integer = true;
            changed = 1;
        }
        if (integer) {
            if (openmin) {
                min = u32(min + 1);
                openmin = false;
            }
            if (openmax) {
                max = u32(max - 1);
                openmax = false;
            }
        } else if (!openmin && !openmax && min == max) {
            integer = true;
        }
        return emptyOr(changed);
    }

    private int emptyOr(int changed) {
        if (checkEmpty()) {
            empty = true;
            return EINVAL;
        }
        return changed;
    }

    /** snd_interval_refine_first: keep the smallest value. */
    int refineFirst() {
        if (empty) {
            return ENOENT;
        }
        if (single()) {
            return 0;
        }
        long lastMax = max;
        max = min;
        if (openmin) {
            max = u32(max + 1);
        }
        openmax = openmax && max >= lastMax;
        return 1;
    }

    /** snd_interval_refine_last: keep the largest value. */
    int refineLast() {
        if (empty) {
            return ENOENT;
        }
        if (single()) {
            return 0;
        }
        long lastMin = min;
        min = max;
        if (openmax) {
            min = u32(min - 1);
        }
        openmin = openmin && min <= lastMin;
        return 1;
    }

    /** snd_interval_refine_set: keep only val. */
    int refineSet(long val) {
        return refine(Interval.single(val));
    }

    /** snd_interval_setinteger. */
    int setInteger() {
        if (integer) {
            return 0;
        }
        if (openmin && openmax && min == max) {
            return EINVAL;
        }
        integer = true;
        return 1;
    }

    /** snd_interval_list: narrow to the smallest and largest listed value inside. */
    int list(long[] values) {
        if (values.length == 0) {
            empty = true;
            return EINVAL;
        }
        long lo = UINT_MAX;
        long hi = 0;
        for (long v : values) {
            if (test(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return refine(new Interval(lo, hi, false, false, false, false));
    }

    /** snd_interval_ranges: narrow to the union of the ranges that meet this interval. */
    int ranges(Interval[] ranges) {
        if (ranges.length == 0) {
            empty = true;
            return EINVAL;
        }
        long lo = UINT_MAX;
        long hi = 0;
        boolean openLo = false;
        boolean openHi = false;
        Interval self = get();
        for (Interval r : ranges) {
            SndInterval range = new SndInterval(r);
            if (range.refine(self) < 0 || range.empty) {
                continue;
            }
            if (range.min < lo) {
                lo = range.min;
                openLo = true;
            }
            if (range.min == lo && !range.openmin) {
                openLo = false;
            }
            if (range.max > hi) {
                hi = range.max;
                openHi = true;
            }
            if (range.max == hi && !range.openmax) {
                openHi = false;
            }
        }
        return refine(new Interval(lo, hi, openLo, openHi, false, false));
    }

    /**
     * snd_interval_ratnum: narrow to the rates the clocks can make; when one
     * value is left, numDen receives its exact fraction. C's unsigned and int
     * arithmetic is kept, wrap-around included.
     */
    int ratnum(Ratnum[] rats, long[] numDen) {
        long bestNum = 0;
        long bestDen = 0;
        int bestDiff = 0;
        for (Ratnum rat : rats) {
            long num = rat.num();
            long q = min == 0 ? 1 : min;
            long den = divUp(num, q);
            if (den < rat.denMin()) {
                continue;
            }
            if (den > rat.denMax()) {
                den = rat.denMax();
            } else {
                long r = (den - rat.denMin()) % rat.denStep();
                den -= r;
            }
            int diff = Math.abs((int) (num - q * den));
            if (bestNum == 0 || u32((long) diff * bestDen) < u32((long) bestDiff * den)) {
                bestDiff = diff;
                bestDen = den;
                bestNum = num;
            }
        }
        if (bestDen == 0) {
            empty = true;
            return EINVAL;
        }
        long tMin = bestNum / bestDen;
        boolean tOpenMin = bestNum % bestDen != 0;
        long resultNum = bestNum;
        long resultDen = bestDen;
        int resultDiff = bestDiff;
        bestNum = 0;
        bestDen = 0;
        bestDiff = 0;
        for (Ratnum rat : rats) {
            long num = rat.num();
            long q = max;
            if (q == 0) {
                empty = true;
                return EINVAL;
            }
            long den = num / q;
            if (den > rat.denMax()) {
                continue;
            }
            if (den < rat.denMin()) {
                den = rat.denMin();
            } else {
                long r = (den - rat.denMin()) % rat.denStep();
                if (r != 0) {
                    den = u32(den + rat.denStep() - r);
                }
            }
            int diff = Math.abs((int) (q * den - num));
            if (bestNum == 0 || u32((long) diff * bestDen) < u32((long) bestDiff * den)) {
                bestDiff = diff;
                bestDen = den;
                bestNum = num;
            }
        }
        if (bestDen == 0) {
            empty = true;
            return EINVAL;
        }
        long tMax = divUp(bestNum, bestDen);
        boolean tOpenMax = bestNum % bestDen != 0;
        int err = refine(new Interval(tMin, tMax, tOpenMin, tOpenMax, false, false));
        if (err >= 0 && single()) {
            if (u32((long) bestDiff * resultDen) < u32((long) resultDiff * bestDen)) {
                resultNum = bestNum;
                resultDen = bestDen;
            }
            numDen[0] = resultNum;
            numDen[1] = resultDen;
        }
        return err;
    }

    private static long divUp(long a, long b) {
        return b == 0 ? UINT_MAX : a / b + (a % b != 0 ? 1 : 0);
    }

    /** snd_interval_step: only multiples of step (from 0). */
    int step(long step) {
        int changed = 0;
        long n = min % step;
        if (n != 0 || openmin) {
            min = u32(min + step - n);
            changed = 1;
        }
        n = max % step;
        if (n != 0 || openmax) {
            max = u32(max - n);
            changed = 1;
        }
        return emptyOr(changed);
    }
}
