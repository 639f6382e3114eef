package pcmshare.driver.dummy;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * A dummy card's settings, validated: what {@link DummyConfig} says, as a value
 * a card can be built from without OSGi (tests, benchmarks). Every refusal names
 * the configuration property.
 */
public record DummySettings(String id, String name, int pcmDevs, int playbackSubstreams, int captureSubstreams,
        Set<Access> accesses, Set<SampleFormat> formats, Range rates, List<Integer> discreteRates, Range channels,
        Range periodSize, Range periods, Range bufferSize, TimerMode timerMode, int systickHz, int timerSlackMicros, long skewPpm,
        CaptureContent captureContent, double sineFrequency, double sineAmplitude, boolean fakeBuffer) {

    /** The kernel's intervals are unsigned int: a frame count above UINT_MAX is no size. */
    public static final long MAX_FRAMES = 0xFFFF_FFFFL;
    private static final String FRAMES_WHY = "must be at most " + MAX_FRAMES + " frames (the kernel's UINT_MAX)";

    public DummySettings {
        Objects.requireNonNull(timerMode, "timerMode");
        Objects.requireNonNull(captureContent, "captureContent");
        check(id != null && !id.isBlank(), "id", id, "must not be empty");
        check(name != null, "name", null, "must be set");
        check(pcmDevs >= 1 && pcmDevs <= 64, "pcmDevs", pcmDevs, "must be in [1, 64]");
        check(playbackSubstreams >= 0 && playbackSubstreams <= 4096, "playbackSubstreams", playbackSubstreams,
                "must be in [0, 4096]");
        check(captureSubstreams >= 0 && captureSubstreams <= 4096, "captureSubstreams", captureSubstreams,
                "must be in [0, 4096]");
        check(playbackSubstreams + captureSubstreams > 0, "playbackSubstreams", 0, "a card needs a substream");
        check(!accesses.isEmpty(), "accesses", accesses, "must not be empty");
        check(!formats.isEmpty(), "formats", formats, "must not be empty");
        accesses = Set.copyOf(EnumSet.copyOf(accesses));
        formats = Set.copyOf(EnumSet.copyOf(formats));
        check(rates.min() >= 1 && rates.max() <= 10_000_000, "rateMin", rates, "rates must be in [1, 10000000]");
        discreteRates = List.copyOf(discreteRates);
        for (int r : discreteRates) {
            check(rates.contains(r), "rates", r, "outside [rateMin, rateMax] " + rates);
        }
        check(channels.min() >= 1 && channels.max() <= 1024, "channelsMin", channels, "channels must be in [1, 1024]");
        check(periodSize.min() >= 1, "periodSizeMin", periodSize.min(), "must be at least 1");
        check(periodSize.max() <= MAX_FRAMES, "periodSizeMax", periodSize.max(), FRAMES_WHY);
        check(periods.min() >= 1, "periodsMin", periods.min(), "must be at least 1");
        check(periods.max() <= Integer.MAX_VALUE, "periodsMax", periods.max(), "must be at most " + Integer.MAX_VALUE);
        check(bufferSize.min() >= 1, "bufferSizeMin", bufferSize.min(), "must be at least 1");
        check(bufferSize.max() <= MAX_FRAMES, "bufferSizeMax", bufferSize.max(), FRAMES_WHY);
        check(systickHz >= 1 && systickHz <= 100_000, "systickHz", systickHz, "must be in [1, 100000]");
        check(timerSlackMicros >= 0 && timerSlackMicros <= 1_000_000, "timerSlackMicros", timerSlackMicros,
                "must be in [0, 1000000]");
        check(skewPpm > -1_000_000 && skewPpm < 1_000_000, "skewPpm", skewPpm, "must be in (-1000000, 1000000)");
        check(sineFrequency >= 0 && Double.isFinite(sineFrequency), "sineFrequency", sineFrequency,
                "must be a frequency in Hz");
        check(sineAmplitude >= 0 && sineAmplitude <= 1, "sineAmplitude", sineAmplitude, "must be in [0, 1]");
    }

    private static void check(boolean ok, String property, Object value, String why) {
        if (!ok) {
            throw new IllegalArgumentException(property + " = " + value + ": " + why);
        }
    }

    /** The settings of a configuration with no properties: a card with id "Dummy". */
    public static DummySettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The settings a configuration describes (range properties are read as min/max pairs). */
    public static DummySettings from(DummyConfig c) {
        Builder b = builder()
                .id(c.id())
                .name(c.name())
                .pcmDevs(c.pcmDevs())
                .substreams(c.playbackSubstreams(), c.captureSubstreams())
                .accesses(Set.copyOf(Arrays.asList(c.accesses())))
                .formats(Set.copyOf(Arrays.asList(c.formats())))
                .timerMode(c.timerMode())
                .systickHz(c.systickHz())
                .timerSlackMicros(c.timerSlackMicros())
                .skewPpm(c.skewPpm())
                .captureContent(c.captureContent())
                .sine(c.sineFrequency(), c.sineAmplitude())
                .fakeBuffer(c.fakeBuffer());
        checkRange("rateMin", c.rateMin(), "rateMax", c.rateMax());
        checkRange("channelsMin", c.channelsMin(), "channelsMax", c.channelsMax());
        checkRange("periodSizeMin", c.periodSizeMin(), "periodSizeMax", c.periodSizeMax());
        checkRange("periodsMin", c.periodsMin(), "periodsMax", c.periodsMax());
        checkRange("bufferSizeMin", c.bufferSizeMin(), "bufferSizeMax", c.bufferSizeMax());
        b.rates(Range.of(c.rateMin(), c.rateMax()), IntStream.of(c.rates()).boxed().toList());
        b.channels(Range.of(c.channelsMin(), c.channelsMax()));
        b.periodSize(Range.of(c.periodSizeMin(), c.periodSizeMax()));
        b.periods(Range.of(c.periodsMin(), c.periodsMax()));
        b.bufferSize(Range.of(c.bufferSizeMin(), c.bufferSizeMax()));
        return b.build();
    }

    private static void checkRange(String minName, long min, String maxName, long max) {
        check(min <= max, minName, min, "above " + maxName + " " + max);
    }

    /** What every substream of the card accepts; the dummy can pause and resume and needs no sync step. */
    public HwConstraints constraints() {
        return new HwConstraints(accesses, formats, rates, discreteRates, channels, periodSize, periods, bufferSize,
                EnumSet.of(PcmCapability.PAUSE, PcmCapability.RESUME, PcmCapability.COHERENT_BUFFER));
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds settings from the defaults up. */
    public static final class Builder {
        private String id = "Dummy";
        private String name = "Dummy";
        private int pcmDevs = 1;
        private int playbackSubstreams = 8;
        private int captureSubstreams = 8;
        private Set<Access> accesses = EnumSet.allOf(Access.class);
        private Set<SampleFormat> formats = EnumSet.of(SampleFormat.U8, SampleFormat.S16_LE, SampleFormat.S24_LE,
                SampleFormat.S24_3LE, SampleFormat.S32_LE, SampleFormat.FLOAT_LE);
        private Range rates = Range.of(5_500, 192_000);
        private List<Integer> discreteRates = List.of();
        private Range channels = Range.of(1, 8);
        private Range periodSize = Range.of(16, 65_536);
        private Range periods = Range.of(2, 1024);
        private Range bufferSize = Range.of(32, 1 << 20);
        private TimerMode timerMode = TimerMode.HRTIMER;
        private int systickHz = 250;
        private int timerSlackMicros;
        private long skewPpm;
        private CaptureContent captureContent = CaptureContent.SILENCE;
        private double sineFrequency = 440.0;
        private double sineAmplitude = 0.5;
        private boolean fakeBuffer;

        Builder() {
        }

        Builder(DummySettings s) {
            id = s.id;
            name = s.name;
            pcmDevs = s.pcmDevs;
            playbackSubstreams = s.playbackSubstreams;
            captureSubstreams = s.captureSubstreams;
            accesses = s.accesses;
            formats = s.formats;
            rates = s.rates;
            discreteRates = s.discreteRates;
            channels = s.channels;
            periodSize = s.periodSize;
            periods = s.periods;
            bufferSize = s.bufferSize;
            timerMode = s.timerMode;
            systickHz = s.systickHz;
            timerSlackMicros = s.timerSlackMicros;
            skewPpm = s.skewPpm;
            captureContent = s.captureContent;
            sineFrequency = s.sineFrequency;
            sineAmplitude = s.sineAmplitude;
            fakeBuffer = s.fakeBuffer;
        }

        public Builder id(String v) {
            id = v;
            return this;
        }

        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder pcmDevs(int v) {
            pcmDevs = v;
            return this;
        }

        public Builder substreams(int playback, int capture) {
            playbackSubstreams = playback;
            captureSubstreams = capture;
            return this;
        }

        public Builder accesses(Set<Access> v) {
            accesses = v;
            return this;
        }

        public Builder formats(Set<SampleFormat> v) {
            formats = v;
            return this;
        }

        public Builder rates(Range range, List<Integer> discrete) {
            rates = range;
            discreteRates = discrete;
            return this;
        }

        public Builder channels(Range v) {
            channels = v;
            return this;
        }

        public Builder periodSize(Range v) {
            periodSize = v;
            return this;
        }

        public Builder periods(Range v) {
            periods = v;
            return this;
        }

        public Builder bufferSize(Range v) {
            bufferSize = v;
            return this;
        }

        public Builder timerMode(TimerMode v) {
            timerMode = v;
            return this;
        }

        public Builder systickHz(int v) {
            systickHz = v;
            return this;
        }

        public Builder timerSlackMicros(int v) {
            timerSlackMicros = v;
            return this;
        }

        public Builder skewPpm(long v) {
            skewPpm = v;
            return this;
        }

        public Builder captureContent(CaptureContent v) {
            captureContent = v;
            return this;
        }

        public Builder sine(double frequency, double amplitude) {
            sineFrequency = frequency;
            sineAmplitude = amplitude;
            return this;
        }

        public Builder fakeBuffer(boolean v) {
            fakeBuffer = v;
            return this;
        }

        public DummySettings build() {
            return new DummySettings(id, name, pcmDevs, playbackSubstreams, captureSubstreams, accesses, formats, rates,
                    discreteRates, channels, periodSize, periods, bufferSize, timerMode, systickHz, timerSlackMicros, skewPpm,
                    captureContent, sineFrequency, sineAmplitude, fakeBuffer);
        }
    }
}
