package pcmshare.core.api.pcm;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a substream's hardware accepts, declared by the driver and enforced by
 * the core when hardware parameters are set (a value outside is EINVAL naming
 * the parameter and the allowed range).
 *
 * @param accesses        access modes
 * @param formats         sample formats
 * @param rates           rate range in Hz
 * @param discreteRates   when not empty, only these rates (each also inside {@code rates})
 * @param channels        channel count range
 * @param periodSize      period size range in frames
 * @param periods         periods per buffer range
 * @param bufferSize      buffer size range in frames
 * @param capabilities    pause, resume, coherent buffer, ...
 */
public record HwConstraints(Set<Access> accesses, Set<SampleFormat> formats, Range rates, List<Integer> discreteRates,
        Range channels, Range periodSize, Range periods, Range bufferSize, Set<PcmCapability> capabilities) {

    public HwConstraints {
        accesses = accesses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(accesses));
        formats = formats.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(formats));
        discreteRates = List.copyOf(discreteRates);
        capabilities = Set.copyOf(capabilities);
    }

    /** A permissive starting point: every access and format, 8-384 kHz, 1-32 channels, pause and resume. */
    public static HwConstraints typical() {
        return new HwConstraints(EnumSet.allOf(Access.class), EnumSet.allOf(SampleFormat.class),
                Range.of(8_000, 384_000), List.of(), Range.of(1, 32), Range.of(16, 1 << 20), Range.of(2, 1024),
                Range.of(32, 1 << 22), EnumSet.of(PcmCapability.PAUSE, PcmCapability.RESUME));
    }

    public boolean has(PcmCapability c) {
        return capabilities.contains(c);
    }

    public HwConstraints withAccesses(Set<Access> a) {
        return new HwConstraints(a, formats, rates, discreteRates, channels, periodSize, periods, bufferSize, capabilities);
    }

    public HwConstraints withFormats(Set<SampleFormat> f) {
        return new HwConstraints(accesses, f, rates, discreteRates, channels, periodSize, periods, bufferSize, capabilities);
    }

    public HwConstraints withRates(Range r, List<Integer> discrete) {
        return new HwConstraints(accesses, formats, r, discrete, channels, periodSize, periods, bufferSize, capabilities);
    }

    public HwConstraints withChannels(Range c) {
        return new HwConstraints(accesses, formats, rates, discreteRates, c, periodSize, periods, bufferSize, capabilities);
    }

    public HwConstraints withPeriodSize(Range p) {
        return new HwConstraints(accesses, formats, rates, discreteRates, channels, p, periods, bufferSize, capabilities);
    }

    public HwConstraints withPeriods(Range p) {
        return new HwConstraints(accesses, formats, rates, discreteRates, channels, periodSize, p, bufferSize, capabilities);
    }

    public HwConstraints withBufferSize(Range b) {
        return new HwConstraints(accesses, formats, rates, discreteRates, channels, periodSize, periods, b, capabilities);
    }

    public HwConstraints withCapabilities(Set<PcmCapability> c) {
        return new HwConstraints(accesses, formats, rates, discreteRates, channels, periodSize, periods, bufferSize, c);
    }
}
