package pcmshare.shell;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/**
 * The ALSA actions on a substream the shell holds ({@code pcm:open}): start,
 * stop (snd_pcm_drop), drain, pause and release, prepare, and writing a tone
 * into it, so that what {@code pcm:link} does can be seen: an action on one
 * substream of a link group acts on all of them.
 */
@Component(service = DriveCommands.class)
@GogoCommand(scope = "pcm", function = {"start", "stop", "drain", "pause", "prepare", "write"})
public final class DriveCommands {
    private static final String SUBSTREAM = "a substream the shell holds (pcm:open): hw:CARD[,DEV[,SUB]]"
            + "[/playback|/capture]";

    private final PcmCore core;
    private final PcmCommands pcm;

    @Activate
    public DriveCommands(@Reference PcmCore core, @Reference PcmCommands pcm) {
        this.core = core;
        this.pcm = pcm;
    }

    @Descriptor("starts a substream the shell holds, and every substream linked with it (snd_pcm_start; "
            + "from PREPARED, a playback needs queued frames)")
    public String start(CommandSession session,
            @Descriptor("the substream is a capture one") @Parameter(names = "--capture", absentValue = "false",
                    presentValue = "true") boolean capture,
            @Descriptor("the substream is a playback one (the default)") @Parameter(names = "--playback",
                    absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor(SUBSTREAM) String substream) {
        return act("pcm:start", substream, playback, capture, "started", PcmSubstream::start);
    }

    @Descriptor("stops a substream the shell holds at once, dropping what is queued, and every substream linked "
            + "with it (snd_pcm_drop): state SETUP")
    public String stop(CommandSession session,
            @Descriptor("the substream is a capture one") @Parameter(names = "--capture", absentValue = "false",
                    presentValue = "true") boolean capture,
            @Descriptor("the substream is a playback one (the default)") @Parameter(names = "--playback",
                    absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor(SUBSTREAM) String substream) {
        return act("pcm:stop", substream, playback, capture, "stopped", PcmSubstream::drop);
    }

    @Descriptor("lets a playback the shell holds play what is queued, then stops it (snd_pcm_drain); waits "
            + "until then (Ctrl-C stops waiting)")
    public String drain(CommandSession session,
            @Descriptor("the substream is a capture one") @Parameter(names = "--capture", absentValue = "false",
                    presentValue = "true") boolean capture,
            @Descriptor("the substream is a playback one (the default)") @Parameter(names = "--playback",
                    absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor(SUBSTREAM) String substream) {
        return act("pcm:drain", substream, playback, capture, "drained", PcmSubstream::drain);
    }

    @Descriptor("pauses a running substream the shell holds, and the ones linked with it (snd_pcm_pause); "
            + "with --release, lets it run on; the card must be able to pause")
    public String pause(CommandSession session,
            @Descriptor("release the pause instead") @Parameter(names = "--release", absentValue = "false",
                    presentValue = "true") boolean release,
            @Descriptor("the substream is a capture one") @Parameter(names = "--capture", absentValue = "false",
                    presentValue = "true") boolean capture,
            @Descriptor("the substream is a playback one (the default)") @Parameter(names = "--playback",
                    absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor(SUBSTREAM) String substream) {
        return act("pcm:pause", substream, playback, capture, release ? "released" : "paused",
                s -> s.pause(!release));
    }

    @Descriptor("prepares a substream the shell holds, and the ones linked with it (snd_pcm_prepare): ready to "
            + "start from position 0, e.g. after pcm:stop or an xrun")
    public String prepare(CommandSession session,
            @Descriptor("the substream is a capture one") @Parameter(names = "--capture", absentValue = "false",
                    presentValue = "true") boolean capture,
            @Descriptor("the substream is a playback one (the default)") @Parameter(names = "--playback",
                    absentValue = "false", presentValue = "true") boolean playback,
            @Descriptor(SUBSTREAM) String substream) {
        return act("pcm:prepare", substream, playback, capture, "prepared", PcmSubstream::prepare);
    }

    @Descriptor("writes a sine tone into a playback substream the shell holds (S16_LE only), as much as fits "
            + "in its ring without waiting unless --wait; a write to a PREPARED substream starts it (start_threshold "
            + "1) and its link group, once every playback of the group has frames queued")
    public String write(CommandSession session,
            @Descriptor("seconds of tone (> 0; default 0.1)") @Parameter(names = "--seconds",
                    absentValue = Options.ABSENT) String seconds,
            @Descriptor("tone frequency in Hz (default 440)") @Parameter(names = "--tone",
                    absentValue = Options.ABSENT) String tone,
            @Descriptor("wait for room in the ring instead of writing only what fits now") @Parameter(
                    names = "--wait", absentValue = "false", presentValue = "true") boolean wait,
            @Descriptor(SUBSTREAM) String substream) {
        String cmd = "pcm:write";
        SubstreamName.Target t = target(cmd, substream, false, false);
        if (t.direction() != Direction.PLAYBACK) {
            throw new IllegalArgumentException(cmd + " writes to a playback substream, not " + t.name());
        }
        PcmSubstream s = held(cmd, t);
        double secs = Options.given(seconds) ? Options.seconds(cmd, seconds) : 0.1;
        double hz = 440;
        if (Options.given(tone)) {
            try {
                hz = Double.parseDouble(tone.strip());
            } catch (NumberFormatException e) {
                hz = Double.NaN;
            }
            if (!(hz > 0 && hz <= 24_000)) {
                throw new IllegalArgumentException(cmd + ": --tone " + tone + " is not allowed; give a frequency "
                        + "in Hz above 0 and at most 24000");
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            HwParams p = s.hwParams();
            if (p.format() != SampleFormat.S16_LE) {
                throw new IllegalArgumentException(cmd + " writes S16_LE; " + t.name() + " is set up for "
                        + p.format());
            }
            long frames = Math.max(1, Math.round(secs * p.rate()));
            MemorySegment tones = arena.allocate(frames * p.frameBytes());
            for (long f = 0; f < frames; f++) {
                short v = (short) Math.round(Math.sin(2 * Math.PI * hz * f / p.rate()) * 0.25 * Short.MAX_VALUE);
                for (int c = 0; c < p.channels(); c++) {
                    tones.set(ValueLayout.JAVA_SHORT_UNALIGNED, (f * p.channels() + c) * 2, v);
                }
            }
            long wrote = wait ? s.write(tones, frames) : s.write(tones, Math.min(frames, s.avail()));
            return "wrote " + wrote + " of " + frames + " frames to " + t.name() + "; state " + s.state()
                    + (wrote < frames && !wait ? " (the ring had room for " + wrote + "; --wait waits for room)"
                            : "");
        } catch (ErrnoException e) {
            throw Options.refused(cmd, t.name(), e);
        }
    }

    private String act(String cmd, String substream, boolean playback, boolean capture, String done,
            Consumer<PcmSubstream> action) {
        SubstreamName.Target t = target(cmd, substream, playback, capture);
        PcmSubstream s = held(cmd, t);
        try {
            action.accept(s);
        } catch (ErrnoException e) {
            throw Options.refused(cmd, t.name(), e);
        }
        String group = PcmCommands.linked(s.linkedWith());
        return done + " " + t.name() + (group.equals("-") ? "" : " with " + group) + "; state " + s.state();
    }

    private SubstreamName.Target target(String cmd, String text, boolean playback, boolean capture) {
        return SubstreamName.parse(cmd, text).resolve(cmd, core.cards(), Options.direction(cmd, playback, capture));
    }

    private PcmSubstream held(String cmd, SubstreamName.Target t) {
        PcmSubstream s = pcm.held().get(t.name());
        if (s == null) {
            throw new IllegalArgumentException(cmd + " acts on substreams the shell holds (opened with pcm:open), "
                    + "and " + t.name() + " is not one of them; the shell holds "
                    + (pcm.held().isEmpty() ? "none" : pcm.held().keySet().stream().sorted().toList()));
        }
        return s;
    }

    // ------------------------------------------------------------------ any other command line

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object start(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:start", "start", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object stop(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:stop", "stop", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object drain(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:drain", "drain", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object pause(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:pause", "pause", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object prepare(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:prepare", "prepare", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object write(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:write", "write", session, args);
    }
}
