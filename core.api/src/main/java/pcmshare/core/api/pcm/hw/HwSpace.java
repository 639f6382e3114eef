package pcmshare.core.api.pcm.hw;

import java.util.Arrays;
import java.util.Objects;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * A hardware-parameter space, the content of ALSA's {@code struct
 * snd_pcm_hw_params}: a set of configurations, each parameter narrowed to a
 * mask (ACCESS, FORMAT, SUBFORMAT; 64 bits, as alsa-lib keeps them) or an
 * {@link Interval}, with the request and change masks ({@code rmask}: the
 * parameters a refinement is asked to start from; {@code cmask}: those it
 * changed) and the fields a refinement reports ({@code info}, {@code msbits},
 * {@code rate_num}/{@code rate_den}, {@code fifo_size}). Immutable: every
 * {@code with} returns a new space.
 */
public final class HwSpace {

    /** SNDRV_PCM_SUBFORMAT_STD, the one subformat pcmshare cards serve. */
    public static final int SUBFORMAT_STD = 0;

    private static final HwSpace ANY = anyInternal();

    private final long[] masks;
    private final Interval[] intervals;
    private final int flags;
    private final int rmask;
    private final int cmask;
    private final int info;
    private final int msbits;
    private final int rateNum;
    private final int rateDen;
    private final long fifoSize;

    private HwSpace(long[] masks, Interval[] intervals, int flags, int rmask, int cmask, int info, int msbits,
            int rateNum, int rateDen, long fifoSize) {
        this.masks = masks;
        this.intervals = intervals;
        this.flags = flags;
        this.rmask = rmask;
        this.cmask = cmask;
        this.info = info;
        this.msbits = msbits;
        this.rateNum = rateNum;
        this.rateDen = rateDen;
        this.fifoSize = fifoSize;
    }

    private static HwSpace anyInternal() {
        long[] m = new long[HwParam.MASKS];
        Arrays.fill(m, -1L);
        Interval[] i = new Interval[HwParam.INTERVALS];
        Arrays.fill(i, Interval.any());
        return new HwSpace(m, i, 0, ~0, 0, ~0, 0, 0, 0, 0);
    }

    /** Every configuration, with every parameter requested (_snd_pcm_hw_params_any, before the refinement). */
    public static HwSpace any() {
        return ANY;
    }

    /** Exactly the configuration {@code p}, every parameter requested: the space of an exact hw_params. */
    public static HwSpace of(HwParams p) {
        return ANY.withMask(HwParam.ACCESS, 1L << accessNumber(p.access()))
                .withMask(HwParam.FORMAT, 1L << AlsaFormat.of(p.format()).number())
                .withMask(HwParam.SUBFORMAT, 1L << SUBFORMAT_STD)
                .withInterval(HwParam.CHANNELS, exact(HwParam.CHANNELS, p.channels()))
                .withInterval(HwParam.RATE, exact(HwParam.RATE, p.rate()))
                .withInterval(HwParam.PERIOD_SIZE, exact(HwParam.PERIOD_SIZE, p.periodSize()))
                .withInterval(HwParam.PERIODS, exact(HwParam.PERIODS, p.periods()));
    }

    private static Interval exact(HwParam p, long value) {
        if (value < 0 || value > Interval.UINT_MAX) {
            throw new ErrnoException(Errno.EINVAL, "hw_params", null, value,
                    p + " " + value + " is outside the unsigned 32 bits of struct snd_pcm_hw_params");
        }
        return Interval.single(value);
    }

    /** A space from the raw fields, as a codec reads them. */
    public static HwSpace of(long[] masks, Interval[] intervals, int flags, int rmask, int cmask, int info,
            int msbits, int rateNum, int rateDen, long fifoSize) {
        if (masks.length != HwParam.MASKS || intervals.length != HwParam.INTERVALS) {
            throw new IllegalArgumentException("a space has " + HwParam.MASKS + " masks and " + HwParam.INTERVALS
                    + " intervals, not " + masks.length + " and " + intervals.length);
        }
        for (Interval i : intervals) {
            Objects.requireNonNull(i, "interval");
        }
        return new HwSpace(masks.clone(), intervals.clone(), flags, rmask, cmask, info, msbits, rateNum, rateDen,
                fifoSize);
    }

    /** The SNDRV_PCM_ACCESS_* number of an access mode (MMAP_COMPLEX, 2, has no pcmshare mode). */
    public static int accessNumber(Access a) {
        return switch (a) {
            case MMAP_INTERLEAVED -> 0;
            case MMAP_NONINTERLEAVED -> 1;
            case RW_INTERLEAVED -> 3;
            case RW_NONINTERLEAVED -> 4;
        };
    }

    /** The access mode with this SNDRV_PCM_ACCESS_* number, or null. */
    public static Access access(int number) {
        for (Access a : Access.values()) {
            if (accessNumber(a) == number) {
                return a;
            }
        }
        return null;
    }

    public long mask(HwParam p) {
        requireMask(p);
        return masks[p.slot()];
    }

    public Interval interval(HwParam p) {
        requireInterval(p);
        return intervals[p.slot()];
    }

    public HwSpace withMask(HwParam p, long bits) {
        requireMask(p);
        long[] m = masks.clone();
        m[p.slot()] = bits;
        return new HwSpace(m, intervals, flags, rmask, cmask, info, msbits, rateNum, rateDen, fifoSize);
    }

    public HwSpace withInterval(HwParam p, Interval i) {
        requireInterval(p);
        Interval[] n = intervals.clone();
        n[p.slot()] = Objects.requireNonNull(i, "interval");
        return new HwSpace(masks, n, flags, rmask, cmask, info, msbits, rateNum, rateDen, fifoSize);
    }

    /** SNDRV_PCM_HW_PARAMS_* flags (NORESAMPLE, EXPORT_BUFFER, NO_PERIOD_WAKEUP, ...). */
    public int flags() {
        return flags;
    }

    /** Parameters the next refinement starts from (bit {@link HwParam#bit()}). */
    public int rmask() {
        return rmask;
    }

    /** Parameters the last refinement changed. */
    public int cmask() {
        return cmask;
    }

    /** SNDRV_PCM_INFO_* bits of the card, set by the refinement. */
    public int info() {
        return info;
    }

    /** Significant bits of a sample, once the format is known; 0 before. */
    public int msbits() {
        return msbits;
    }

    /** Exact rate as a fraction, once the rate is known; 0/0 before. */
    public int rateNum() {
        return rateNum;
    }

    public int rateDen() {
        return rateDen;
    }

    /** Frames in the hardware FIFO (0: none). */
    public long fifoSize() {
        return fifoSize;
    }

    public HwSpace withFlags(int f) {
        return new HwSpace(masks, intervals, f, rmask, cmask, info, msbits, rateNum, rateDen, fifoSize);
    }

    public HwSpace withRmask(int r) {
        return new HwSpace(masks, intervals, flags, r, cmask, info, msbits, rateNum, rateDen, fifoSize);
    }

    public HwSpace withCmask(int c) {
        return new HwSpace(masks, intervals, flags, rmask, c, info, msbits, rateNum, rateDen, fifoSize);
    }

    /** The reported fields at once: info, msbits, rate_num/rate_den and fifo_size. */
    public HwSpace withReport(int newInfo, int newMsbits, int newRateNum, int newRateDen, long newFifoSize) {
        return new HwSpace(masks, intervals, flags, rmask, cmask, newInfo, newMsbits, newRateNum, newRateDen,
                newFifoSize);
    }

    /** True when the parameter has no value left. */
    public boolean isEmpty(HwParam p) {
        return p.isMask() ? masks[p.slot()] == 0 : intervals[p.slot()].empty();
    }

    /** True when the parameter has exactly one value (snd_mask_single, snd_interval_single). */
    public boolean isSingle(HwParam p) {
        if (p.isMask()) {
            long m = masks[p.slot()];
            return m != 0 && (m & (m - 1)) == 0;
        }
        Interval i = intervals[p.slot()];
        return !i.empty() && i.isSingle();
    }

    /** The value of a parameter that has exactly one (snd_pcm_hw_param_get); EINVAL naming it otherwise. */
    public long value(HwParam p) {
        if (!isSingle(p)) {
            throw new ErrnoException(Errno.EINVAL, "hw_params", null, p + " " + describe(p),
                    "the parameter has not been narrowed to one value");
        }
        return p.isMask() ? Long.numberOfTrailingZeros(masks[p.slot()]) : intervals[p.slot()].value();
    }

    /** The smallest value left (snd_pcm_hw_param_get_min). */
    public long min(HwParam p) {
        requireNotEmpty(p);
        return p.isMask() ? Long.numberOfTrailingZeros(masks[p.slot()]) : intervals[p.slot()].min();
    }

    /** The largest value left (snd_pcm_hw_param_get_max). */
    public long max(HwParam p) {
        requireNotEmpty(p);
        return p.isMask() ? 63 - Long.numberOfLeadingZeros(masks[p.slot()]) : intervals[p.slot()].max();
    }

    private void requireNotEmpty(HwParam p) {
        if (isEmpty(p)) {
            throw new ErrnoException(Errno.EINVAL, "hw_params", null, p + " NONE", "the parameter has no value left");
        }
    }

    /**
     * The one configuration this space holds, as pcmshare's exact parameters;
     * EINVAL naming the first parameter that is not one value, or a format
     * pcmshare has no sample format for.
     */
    public HwParams toHwParams() {
        Access access = access((int) value(HwParam.ACCESS));
        if (access == null) {
            throw new ErrnoException(Errno.EINVAL, "hw_params", null, "ACCESS " + describe(HwParam.ACCESS),
                    "pcmshare serves MMAP_INTERLEAVED, MMAP_NONINTERLEAVED, RW_INTERLEAVED and RW_NONINTERLEAVED");
        }
        AlsaFormat alsa = AlsaFormat.ofNumber((int) value(HwParam.FORMAT));
        SampleFormat format = alsa == null ? null : alsa.sampleFormat();
        if (format == null) {
            throw new ErrnoException(Errno.EINVAL, "hw_params", null, "FORMAT " + describe(HwParam.FORMAT),
                    "pcmshare has no sample format for it");
        }
        return new HwParams(access, format, (int) value(HwParam.CHANNELS), (int) value(HwParam.RATE),
                value(HwParam.PERIOD_SIZE), (int) value(HwParam.PERIODS));
    }

    /** One parameter as snd_pcm_hw_param_dump prints it: mask names, or the interval. */
    public String describe(HwParam p) {
        if (!p.isMask()) {
            return intervals[p.slot()].toString();
        }
        long m = masks[p.slot()];
        if (m == 0) {
            return "NONE";
        }
        if (m == -1L) {
            return "ALL";
        }
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < 64; k++) {
            if ((m & (1L << k)) != 0) {
                String name = maskValueName(p, k);
                if (name != null) {
                    b.append(b.isEmpty() ? "" : " ").append(name);
                }
            }
        }
        return b.toString();
    }

    private static String maskValueName(HwParam p, int k) {
        return switch (p) {
            case ACCESS -> switch (k) {
                case 0 -> "MMAP_INTERLEAVED";
                case 1 -> "MMAP_NONINTERLEAVED";
                case 2 -> "MMAP_COMPLEX";
                case 3 -> "RW_INTERLEAVED";
                case 4 -> "RW_NONINTERLEAVED";
                default -> null;
            };
            case FORMAT -> {
                AlsaFormat f = AlsaFormat.ofNumber(k);
                yield f == null ? null : f.name();
            }
            case SUBFORMAT -> k == SUBFORMAT_STD ? "STD" : null;
            default -> null;
        };
    }

    /** Every parameter, one line each, as {@code aplay --dump-hw-params} prints them (snd_pcm_hw_params_dump). */
    public String dump() {
        StringBuilder b = new StringBuilder();
        for (HwParam p : HwParam.values()) {
            b.append(p.name()).append(": ").append(p.isMask() ? " " : "").append(describe(p)).append('\n');
        }
        return b.toString();
    }

    private static void requireMask(HwParam p) {
        if (!p.isMask()) {
            throw new IllegalArgumentException(p + " is an interval, not a mask");
        }
    }

    private static void requireInterval(HwParam p) {
        if (p.isMask()) {
            throw new IllegalArgumentException(p + " is a mask, not an interval");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HwSpace s && Arrays.equals(masks, s.masks) && Arrays.equals(intervals, s.intervals)
                && flags == s.flags && rmask == s.rmask && cmask == s.cmask && info == s.info && msbits == s.msbits
                && rateNum == s.rateNum && rateDen == s.rateDen && fifoSize == s.fifoSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(masks), Arrays.hashCode(intervals), rmask, cmask, info, msbits, rateNum,
                rateDen, fifoSize, flags);
    }

    @Override
    public String toString() {
        return dump();
    }
}
