package pcmshare.core.api.impl.pcm;

import static pcmshare.core.api.errno.Errno.EINVAL;

import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.Range;

/**
 * A driver's declared hardware, checked when its card appears, as the kernel's
 * snd_pcm_hw_constraints_complete turns a driver's snd_pcm_hardware into
 * unsigned intervals: every range positive, ordered and bounded (frame counts
 * by UINT_MAX, the counts that are ints here by INT_MAX), at least one access
 * and format, discrete rates inside the rate range, a clock skew the card's
 * clock can follow. The core trusts nothing else a driver says about sizes.
 */
final class DriverConstraints {
    /** The kernel's intervals are unsigned int: no frame count above this. */
    static final long UINT_MAX = 0xFFFF_FFFFL;
    /** A skew at or beyond a million ppm stops or reverses a clock. */
    private static final long MAX_SKEW_PPM = 1_000_000;

    private DriverConstraints() {
    }

    /** Refuses the card of {@code driver}, naming the driver, the property and the value, unless all of it holds. */
    static void check(SoundCardDriver driver) {
        long skew = driver.clockSkewPpm();
        if (skew <= -MAX_SKEW_PPM || skew >= MAX_SKEW_PPM) {
            throw refuse(driver, "clock_skew_ppm", skew, "must be in (-1000000, 1000000)");
        }
        for (PcmDeviceInfo d : driver.devices()) {
            for (Direction dir : Direction.values()) {
                if (d.substreams(dir) > 0) {
                    check(driver, "device " + d.device() + " " + dir + " ", d.constraints(dir));
                }
            }
        }
    }

    private static void check(SoundCardDriver driver, String where, HwConstraints c) {
        if (c.accesses().isEmpty()) {
            throw refuse(driver, where + "accesses", c.accesses(), "must not be empty");
        }
        if (c.formats().isEmpty()) {
            throw refuse(driver, where + "formats", c.formats(), "must not be empty");
        }
        range(driver, where + "rates", c.rates(), Integer.MAX_VALUE);
        for (int r : c.discreteRates()) {
            if (!c.rates().contains(r)) {
                throw refuse(driver, where + "rates", (long) r, "discrete rate outside " + c.rates());
            }
        }
        range(driver, where + "channels", c.channels(), Integer.MAX_VALUE);
        range(driver, where + "period_size", c.periodSize(), UINT_MAX);
        range(driver, where + "periods", c.periods(), Integer.MAX_VALUE);
        range(driver, where + "buffer_size", c.bufferSize(), UINT_MAX);
    }

    private static void range(SoundCardDriver driver, String property, Range r, long max) {
        if (r.min() < 1) {
            throw refuse(driver, property, r.min(), "minimum must be at least 1 in " + r);
        }
        if (r.max() > max) {
            throw refuse(driver, property, r.max(), "maximum must be at most " + max + " in " + r);
        }
    }

    private static ErrnoException refuse(SoundCardDriver driver, String property, Object value, String why) {
        return new ErrnoException(EINVAL, "add_card", null, value, "card " + driver.id() + " of driver "
                + driver.getClass().getName() + " refused: " + property + " = " + value + ": " + why);
    }
}
