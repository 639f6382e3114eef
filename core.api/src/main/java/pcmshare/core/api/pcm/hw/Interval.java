package pcmshare.core.api.pcm.hw;

/**
 * One interval parameter of a hardware-parameter space, as the kernel's
 * {@code struct snd_interval}: unsigned 32-bit bounds, each either included
 * or excluded ({@code openMin}, {@code openMax}), an {@code integer} flag
 * (only whole numbers), and {@code empty}. The arithmetic below is
 * {@code sound/core/pcm_lib.c}'s ({@code snd_interval_mul}, {@code _div},
 * {@code _muldivk}, {@code _mulkdiv}): results saturate at {@link #UINT_MAX},
 * and a bound that had to be rounded becomes open.
 */
public record Interval(long min, long max, boolean openMin, boolean openMax, boolean integer, boolean empty) {

    /** UINT_MAX: the largest value of a bound. */
    public static final long UINT_MAX = 0xFFFF_FFFFL;

    private static final Interval ANY = new Interval(0, UINT_MAX, false, false, false, false);
    private static final Interval NONE = new Interval(0, 0, false, false, false, true);

    public Interval {
        if (min < 0 || min > UINT_MAX || max < 0 || max > UINT_MAX) {
            throw new IllegalArgumentException("interval bounds are unsigned 32-bit: [" + min + ", " + max + "]");
        }
    }

    /** Every value (snd_interval_any): [0, UINT_MAX]. */
    public static Interval any() {
        return ANY;
    }

    /** No value (snd_interval_none). */
    public static Interval none() {
        return NONE;
    }

    /** The closed interval [min, max], not restricted to whole numbers. */
    public static Interval of(long min, long max) {
        return new Interval(min, max, false, false, false, false);
    }

    /** The closed interval [min, max] of whole numbers. */
    public static Interval ofIntegers(long min, long max) {
        return new Interval(min, max, false, false, true, false);
    }

    /** Exactly {@code value}. */
    public static Interval single(long value) {
        return new Interval(value, value, false, false, true, false);
    }

    /** True when no value is left: the flag, or bounds that exclude everything (snd_interval_checkempty). */
    public boolean isEmpty() {
        return empty || min > max || (min == max && (openMin || openMax));
    }

    /** True when exactly one value is left (snd_interval_single). */
    public boolean isSingle() {
        return !isEmpty() && (min == max || (min + 1 == max && (openMin || openMax)));
    }

    /** The one value of a single interval (snd_interval_value). */
    public long value() {
        if (!isSingle()) {
            throw new IllegalStateException("not a single value: " + this);
        }
        return openMin && !openMax ? max : min;
    }

    /** True when {@code v} is inside (snd_interval_test). */
    public boolean contains(long v) {
        return !isEmpty() && !(min > v || (min == v && openMin) || max < v || (max == v && openMax));
    }

    public Interval withInteger(boolean integer) {
        return new Interval(min, max, openMin, openMax, integer, empty);
    }

    /** a × b (snd_interval_mul). */
    public static Interval mul(Interval a, Interval b) {
        if (a.empty || b.empty) {
            return NONE;
        }
        return new Interval(mulSat(a.min, b.min), mulSat(a.max, b.max), a.openMin || b.openMin,
                a.openMax || b.openMax, a.integer && b.integer, false);
    }

    /** a / b (snd_interval_div). */
    public static Interval div(Interval a, Interval b) {
        if (a.empty || b.empty) {
            return NONE;
        }
        long min = b.max == 0 ? UINT_MAX : a.min / b.max;
        boolean openMin = (b.max != 0 && a.min % b.max != 0) || a.openMin || b.openMax;
        long max;
        boolean openMax;
        if (b.min > 0) {
            max = a.max / b.min;
            if (a.max % b.min != 0) {
                max++;
                openMax = true;
            } else {
                openMax = a.openMax || b.openMin;
            }
        } else {
            max = UINT_MAX;
            openMax = false;
        }
        return new Interval(min, u32(max), openMin, openMax, false, false);
    }

    /** a × b / k (snd_interval_muldivk). */
    public static Interval muldivk(Interval a, Interval b, long k) {
        if (a.empty || b.empty) {
            return NONE;
        }
        long[] r = new long[1];
        long min = muldiv32(a.min, b.min, k, r);
        boolean openMin = r[0] != 0 || a.openMin || b.openMin;
        long max = muldiv32(a.max, b.max, k, r);
        boolean openMax;
        if (r[0] != 0) {
            max = u32(max + 1);
            openMax = true;
        } else {
            openMax = a.openMax || b.openMax;
        }
        return new Interval(min, max, openMin, openMax, false, false);
    }

    /** a × k / b (snd_interval_mulkdiv). */
    public static Interval mulkdiv(Interval a, long k, Interval b) {
        if (a.empty || b.empty) {
            return NONE;
        }
        long[] r = new long[1];
        long min = muldiv32(a.min, k, b.max, r);
        boolean openMin = r[0] != 0 || a.openMin || b.openMax;
        long max;
        boolean openMax;
        if (b.min > 0) {
            max = muldiv32(a.max, k, b.min, r);
            if (r[0] != 0) {
                max = u32(max + 1);
                openMax = true;
            } else {
                openMax = a.openMax || b.openMin;
            }
        } else {
            max = UINT_MAX;
            openMax = false;
        }
        return new Interval(min, max, openMin, openMax, false, false);
    }

    /** The C expression {@code (unsigned int) v}. */
    static long u32(long v) {
        return v & UINT_MAX;
    }

    /** pcm_lib.c's mul(): a × b, saturating at UINT_MAX. */
    static long mulSat(long a, long b) {
        if (a == 0) {
            return 0;
        }
        if (UINT_MAX / a < b) {
            return UINT_MAX;
        }
        return a * b;
    }

    /** pcm_lib.c's muldiv32(): a × b / c in 64 bits, saturating at UINT_MAX; the remainder in r[0]. */
    static long muldiv32(long a, long b, long c, long[] r) {
        long n = a * b; // below 2^64: exact as an unsigned 64-bit value
        if (c == 0) {
            r[0] = 0;
            return UINT_MAX;
        }
        r[0] = Long.remainderUnsigned(n, c);
        n = Long.divideUnsigned(n, c);
        if (Long.compareUnsigned(n, UINT_MAX) >= 0) {
            r[0] = 0;
            return UINT_MAX;
        }
        return n;
    }

    /** As alsa-lib and the kernel print an interval: ALL, NONE, one value, or [min max] with ( ) for open ends. */
    @Override
    public String toString() {
        if (empty) {
            return "NONE";
        }
        if (min == 0 && !openMin && max == UINT_MAX && !openMax) {
            return "ALL";
        }
        if (isSingle() && integer) {
            return Long.toString(value());
        }
        return (openMin ? "(" : "[") + min + " " + max + (openMax ? ")" : "]");
    }
}
