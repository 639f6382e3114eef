package org.example.wavfile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import pcmshare.core.api.driver.PcmOps;
import pcmshare.core.api.driver.PcmRuntime;
import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.pcm.Access;
import pcmshare.core.api.pcm.HwConstraints;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmDeviceInfo;
import pcmshare.core.api.pcm.Range;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * A sound card backed by files. Playback substream {@code n} writes
 * {@code <id>-<device>-p<n>.wav}; capture substream {@code n} reads
 * {@code <id>-<device>-c<n>.wav}, or else what playback substream {@code n}
 * last wrote, looping, and records silence when neither matches its
 * parameters. Both are paced by a timer on the card's clock.
 */
@Component(configurationPid = WavFileCard.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = SoundCardDriver.class)
@Designate(ocd = WavFileConfig.class)
public final class WavFileCard implements SoundCardDriver {
    public static final String PID = "org.example.wavfile";

    static final HwConstraints CONSTRAINTS = new HwConstraints(
            EnumSet.of(Access.RW_INTERLEAVED, Access.MMAP_INTERLEAVED),
            EnumSet.of(SampleFormat.U8, SampleFormat.S16_LE, SampleFormat.S24_3LE, SampleFormat.S32_LE),
            Range.of(8_000, 192_000), List.of(), Range.of(1, 8), Range.of(32, 65_536), Range.of(2, 256),
            Range.of(64, 1 << 20), EnumSet.of(PcmCapability.PAUSE, PcmCapability.RESUME));

    private final String id;
    private final Path directory;
    private final int substreams;

    /** Framework property naming the directory when the configuration does not. */
    public static final String DIRECTORY_PROPERTY = "org.example.wavfile.dir";

    @Activate
    public WavFileCard(WavFileConfig config, BundleContext context) throws java.io.IOException {
        this.id = config.id();
        String dir = config.directory().isEmpty() ? context.getProperty(DIRECTORY_PROPERTY) : config.directory();
        this.directory = dir == null || dir.isEmpty()
                ? Path.of(System.getProperty("java.io.tmpdir"), "pcmshare-wavfile") : Path.of(dir);
        this.substreams = config.substreams();
        Files.createDirectories(directory);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return "WAV files in " + directory;
    }

    @Override
    public List<PcmDeviceInfo> devices() {
        return List.of(new PcmDeviceInfo(0, "WAV files", substreams, substreams, CONSTRAINTS, CONSTRAINTS));
    }

    @Override
    public PcmOps open(PcmRuntime runtime) {
        return new WavStream(runtime, directory, id);
    }
}
