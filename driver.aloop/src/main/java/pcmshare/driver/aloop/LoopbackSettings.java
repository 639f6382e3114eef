package pcmshare.driver.aloop;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * What one loopback card is: its identity, substream count, the pcmNotify and
 * timerSource options and the hardware it offers. Made from {@link AloopConfig}
 * (and the old names of {@link AloopLegacyConfig}) in the framework, directly in tests.
 *
 * @param id          card id
 * @param name        card name
 * @param substreams  substreams per device and direction (1-8, as snd-aloop)
 * @param pcmNotify   pcm_notify: playback may change the cable's parameters; a running capture is stopped
 * @param timerSource id or name of the card whose clock paces the cables; empty: own clock (or a linked card's)
 * @param formats     sample formats offered
 * @param rates       rate range in Hz
 * @param channels    channel range
 */
public record LoopbackSettings(String id, String name, int substreams, boolean pcmNotify, String timerSource,
        Set<SampleFormat> formats, Range rates, Range channels) {

    /** snd-aloop's MAX_PCM_SUBSTREAMS. */
    public static final int MAX_SUBSTREAMS = 8;
    /** snd-aloop's loopback_pcm_hardware.rate_max. */
    public static final int MAX_RATE = 768_000;
    /** snd-aloop's loopback_pcm_hardware.channels_max. */
    public static final int MAX_CHANNELS = 32;

    public LoopbackSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        timerSource = timerSource == null ? "" : timerSource.trim();
        if (id.isBlank()) {
            throw new IllegalArgumentException("id = " + id + ": must not be empty");
        }
        if (substreams < 1 || substreams > MAX_SUBSTREAMS) {
            throw new IllegalArgumentException("pcmSubstreams = " + substreams + ": must be in [1, " + MAX_SUBSTREAMS
                    + "] (snd-aloop's MAX_PCM_SUBSTREAMS)");
        }
        Objects.requireNonNull(rates, "rates");
        Objects.requireNonNull(channels, "channels");
        // a rate of 0 would divide by zero in the cable's timeline, a negative one never reach a deadline
        if (rates.min() < 1) {
            throw new IllegalArgumentException("rateMin must be at least 1 Hz: " + rates.min());
        }
        if (rates.max() > MAX_RATE) {
            throw new IllegalArgumentException("rateMax must be at most " + MAX_RATE + " Hz (snd-aloop's"
                    + " rate_max): " + rates.max());
        }
        if (channels.min() < 1) {
            throw new IllegalArgumentException("channelsMin must be at least 1: " + channels.min());
        }
        if (channels.max() > MAX_CHANNELS) {
            throw new IllegalArgumentException("channelsMax must be at most " + MAX_CHANNELS + " (snd-aloop's"
                    + " channels_max): " + channels.max());
        }
        if (formats.isEmpty()) {
            throw new IllegalArgumentException("formats = " + formats + ": must name a sample format");
        }
        formats = Set.copyOf(EnumSet.copyOf(formats));
    }

    /** The defaults of snd-aloop: card "Loopback", 8 substreams, no notify, own timer. */
    public static LoopbackSettings defaults() {
        return new LoopbackSettings("Loopback", "Loopback", MAX_SUBSTREAMS, false, "",
                EnumSet.of(SampleFormat.S16_LE, SampleFormat.S16_BE, SampleFormat.S24_LE, SampleFormat.S24_3LE,
                        SampleFormat.S32_LE, SampleFormat.FLOAT_LE),
                Range.of(8_000, 192_000), Range.of(1, 32));
    }

    /**
     * The settings of a configuration: {@code c}'s values, or those of their old names where
     * {@code properties} set a property by its old name only ({@link LegacyNames}).
     */
    static LoopbackSettings of(AloopConfig c, Map<String, ?> properties) {
        List<SampleFormat> fs = new ArrayList<>();
        for (String f : c.formats()) {
            try {
                fs.add(SampleFormat.valueOf(f.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("formats = " + String.join(",", c.formats()) + ": " + f
                        + " is not a sample format; known: "
                        + EnumSet.allOf(SampleFormat.class).stream().map(SampleFormat::name).sorted().toList(), e);
            }
        }
        int substreams = LegacyNames.intValue("pcmSubstreams", properties, c.pcmSubstreams());
        boolean notify = LegacyNames.booleanValue("pcmNotify", properties, c.pcmNotify());
        String source = LegacyNames.stringValue("timerSource", properties, c.timerSource());
        int rateMin = LegacyNames.intValue("rateMin", properties, c.rateMin());
        int rateMax = LegacyNames.intValue("rateMax", properties, c.rateMax());
        int channelsMin = LegacyNames.intValue("channelsMin", properties, c.channelsMin());
        int channelsMax = LegacyNames.intValue("channelsMax", properties, c.channelsMax());
        bounds("rateMin", rateMin, "rateMax", rateMax);
        bounds("channelsMin", channelsMin, "channelsMax", channelsMax);
        return new LoopbackSettings(c.id(), c.name(), substreams, notify, source, EnumSet.copyOf(fs),
                Range.of(rateMin, rateMax), Range.of(channelsMin, channelsMax));
    }

    private static void bounds(String minName, int min, String maxName, int max) {
        if (min < 1 || min > max) {
            throw new IllegalArgumentException(minName + " = " + min + ": must be at least 1 and at most " + maxName
                    + " " + max);
        }
    }

    public LoopbackSettings withPcmNotify(boolean on) {
        return new LoopbackSettings(id, name, substreams, on, timerSource, formats, rates, channels);
    }

    public LoopbackSettings withTimerSource(String source) {
        return new LoopbackSettings(id, name, substreams, pcmNotify, source, formats, rates, channels);
    }

    public LoopbackSettings withSubstreams(int n) {
        return new LoopbackSettings(id, name, n, pcmNotify, timerSource, formats, rates, channels);
    }

    public LoopbackSettings withRates(Range r) {
        return new LoopbackSettings(id, name, substreams, pcmNotify, timerSource, formats, r, channels);
    }

    public LoopbackSettings withChannels(Range c) {
        return new LoopbackSettings(id, name, substreams, pcmNotify, timerSource, formats, rates, c);
    }

    public LoopbackSettings withId(String cardId) {
        return new LoopbackSettings(cardId, name, substreams, pcmNotify, timerSource, formats, rates, channels);
    }

    /**
     * snd-aloop's loopback_pcm_hardware, in frames: every access, pause, resume, and a drain trigger. The
     * rings are plain memory that the cable copies into and out of directly, with no cache to sync, so the
     * buffer is coherent: a dma-buf importer may read a capture ring (or write a playback ring) while it runs.
     */
    HwConstraints constraints() {
        return new HwConstraints(EnumSet.allOf(Access.class), formats, rates, List.of(), channels,
                Range.of(16, 1 << 20), Range.of(1, 1024), Range.of(16, 1 << 22),
                EnumSet.of(PcmCapability.PAUSE, PcmCapability.RESUME, PcmCapability.DRAIN_TRIGGER,
                        PcmCapability.COHERENT_BUFFER));
    }
}
