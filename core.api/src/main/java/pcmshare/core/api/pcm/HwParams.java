package pcmshare.core.api.pcm;

import java.util.Objects;

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

    /** Buffer size in frames. */
    public long bufferSize() {
        return periodSize * periods;
    }

    /** Bytes per frame (all channels of one sample instant). */
    public int frameBytes() {
        return format.bytes() * channels;
    }

    /** Bytes of the whole ring buffer. */
    public long bufferBytes() {
        return bufferSize() * frameBytes();
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
