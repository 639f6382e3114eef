package pcmshare.shell;

import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/** How the commands choose hardware parameters when the user gives only format, rate and channels. */
final class Params {
    static final int DEFAULT_RATE = 48_000;
    static final int DEFAULT_CHANNELS = 2;
    static final SampleFormat DEFAULT_FORMAT = SampleFormat.S16_LE;
    static final int DEFAULT_PERIODS = 4;

    private Params() {
    }

    /** 10 ms periods (as aplay's default of a quarter of a 40 ms buffer would be), 4 of them, inside the hardware's ranges. */
    static long defaultPeriod(HwConstraints c, int rate) {
        return clamp(Math.max(1, rate / 100), c.periodSize());
    }

    /**
     * 50 ms periods for play and record: a 200 ms buffer rides out a busy
     * machine (arecord and aplay default to 500 ms), and latency does not matter
     * to them.
     */
    static long transferPeriod(HwConstraints c, int rate) {
        return clamp(Math.max(1, rate / 20), c.periodSize());
    }

    static int defaultPeriods(HwConstraints c) {
        return (int) clamp(DEFAULT_PERIODS, c.periods());
    }

    /** Interleaved read/write access; period and periods as given, or the defaults when 0. */
    static HwParams choose(HwConstraints c, SampleFormat format, int channels, int rate, long period, int periods) {
        long p = period > 0 ? period : defaultPeriod(c, rate);
        int n = periods > 0 ? periods : defaultPeriods(c);
        return HwParams.of(format, channels, rate, p, n);
    }

    private static long clamp(long v, Range r) {
        return Math.max(r.min(), Math.min(r.max(), v));
    }
}
