package pcmshare.core.api.pcm;

import java.util.Objects;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;

/**
 * Hardware parameters of a substream: one exact value per parameter (what ALSA
 * calls a fully refined configuration). The buffer holds {@code periods}
 * periods of {@code periodSize} frames.
 */
public record HwParams(Access access, SampleFormat format, int channels, int rate, long periodSize, int periods) {

    public HwParams {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(format, "format");
    }

    /** Interleaved read/write access, the most common setup. */
    public static HwParams of(SampleFormat format, int channels, int rate, long periodSize, int periods) {
        return new HwParams(Access.RW_INTERLEAVED, format, channels, rate, periodSize, periods);
    }

    /**
     * Buffer size in frames. Sizes are the kernel's unsigned intervals: a
     * negative period size or count, or a product that does not fit, is EINVAL
     * naming the value, never a wrapped small buffer.
     */
    public long bufferSize() {
        if (periodSize < 0) {
            throw refuse(periodSize, "period_size " + periodSize + " is negative");
        }
        if (periods < 0) {
            throw refuse(periods, "periods " + periods + " is negative");
        }
        if (periods != 0 && periodSize > Long.MAX_VALUE / periods) {
            throw refuse(periodSize, "buffer_size = period_size " + periodSize + " x periods " + periods
                    + " overflows");
        }
        return periodSize * periods;
    }

    /** Bytes per frame (all channels of one sample instant); EINVAL when the channels make it overflow. */
    public int frameBytes() {
        if (channels < 0 || (long) format.bytes() * channels > Integer.MAX_VALUE) {
            throw refuse(channels, "frame of " + channels + " channels of " + format + " overflows");
        }
        return format.bytes() * channels;
    }

    /** Bytes of the whole ring buffer; EINVAL when it overflows. */
    public long bufferBytes() {
        long frames = bufferSize();
        int fb = frameBytes();
        if (fb != 0 && frames > Long.MAX_VALUE / fb) {
            throw refuse(frames, "buffer of " + frames + " frames of " + fb + " bytes overflows");
        }
        return frames * fb;
    }

    private ErrnoException refuse(long value, String why) {
        return new ErrnoException(Errno.EINVAL, "hw_params", null, value, why);
    }

    /** Duration of {@code frames} frames in nanoseconds at this rate. */
    public long framesToNanos(long frames) {
        return frames / rate * 1_000_000_000L + frames % rate * 1_000_000_000L / rate;
    }

    public HwParams withAccess(Access a) {
        return new HwParams(a, format, channels, rate, periodSize, periods);
    }

    public HwParams withFormat(SampleFormat f) {
        return new HwParams(access, f, channels, rate, periodSize, periods);
    }

    public HwParams withChannels(int c) {
        return new HwParams(access, format, c, rate, periodSize, periods);
    }

    public HwParams withRate(int r) {
        return new HwParams(access, format, channels, r, periodSize, periods);
    }

    public HwParams withPeriodSize(long p) {
        return new HwParams(access, format, channels, rate, p, periods);
    }

    public HwParams withPeriods(int p) {
        return new HwParams(access, format, channels, rate, periodSize, p);
    }
}
