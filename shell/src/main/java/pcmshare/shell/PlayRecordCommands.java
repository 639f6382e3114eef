package pcmshare.shell;

import static pcmshare.core.api.errno.Errno.EINTR;
import static pcmshare.core.api.errno.Errno.EPIPE;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Job;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.Process;
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
 * {@code pcm:play} and {@code pcm:record}: aplay and arecord for pcmshare's
 * cards. Each opens its substream for the duration of the command, sets the
 * hardware parameters from the file's format (or 48 kHz stereo S16_LE for a
 * tone), prepares, queues or reads with blocking transfers, starts, and shows a
 * progress line while it runs. An xrun is counted and recovered from by
 * preparing again, as aplay does.
 */
@Component(service = PlayRecordCommands.class)
@GogoCommand(scope = "pcm", function = {"play", "record"})
public final class PlayRecordCommands {
    static final String PLAY_HOLDER = "shell (pcm:play)";
    static final String RECORD_HOLDER = "shell (pcm:record)";
    static final double DEFAULT_TONE_HZ = 440;
    static final double DEFAULT_TONE_SECONDS = 1;
    /** A quarter of full scale (-12 dBFS): audible, never clipping. */
    private static final double TONE_AMPLITUDE = 0.25;
    /** The longest play: an hour, as the demo bounds its own length. */
    private static final double MAX_SECONDS = 3600;

    private final PcmCore core;

    @Activate
    public PlayRecordCommands(@Reference PcmCore core) {
        this.core = core;
    }

    // ------------------------------------------------------------------ play

    @Descriptor("plays a tone or a WAV file on a playback substream, with a progress line. Without --file it "
            + "plays a sine tone (440 Hz unless --tone) at 48000 Hz, 2 channels, S16_LE for 1 s unless --seconds; "
            + "with --file it plays the file in its own format (WAV: " + "8-bit unsigned, 16/24/32-bit signed, "
            + "32/64-bit float linear PCM), all of it unless --seconds")
    public String play(CommandSession session,
            @Descriptor("play a sine tone of this frequency in Hz (0 < HZ <= 24000); the default source")
            @Parameter(names = "--tone", absentValue = Options.ABSENT) String tone,
            @Descriptor("play this WAV file instead of a tone")
            @Parameter(names = "--file", absentValue = Options.ABSENT) String file,
            @Descriptor("play this many seconds (> 0, at most 3600); default: 1 s of tone, or the whole file")
            @Parameter(names = "--seconds", absentValue = Options.ABSENT) String seconds,
            @Descriptor("the tone's rate in Hz (default 48000)")
            @Parameter(names = "--rate", absentValue = Options.ABSENT) String rate,
            @Descriptor("the tone's channels (default 2)")
            @Parameter(names = "--channels", absentValue = Options.ABSENT) String channels,
            @Descriptor("the tone's sample format: S16_LE (the default), S32_LE or FLOAT_LE")
            @Parameter(names = "--format", absentValue = Options.ABSENT) String format,
            @Descriptor("the tone's level, a fraction of full scale (0 < L <= 1; default 0.25, -12 dBFS)")
            @Parameter(names = "--level", absentValue = Options.ABSENT) String level,
            @Descriptor("the playback substream: hw:CARD[,DEV[,SUB]], CARD an id or index")
            String substream) throws IOException {
        String cmd = "pcm:play";
        SubstreamName.Target t = target(cmd, substream, Direction.PLAYBACK);
        if (Options.given(tone) && Options.given(file)) {
            throw new IllegalArgumentException(cmd + ": give --tone HZ or --file WAV, not both");
        }
        boolean toneOptions = Options.given(rate) || Options.given(channels) || Options.given(format)
                || Options.given(level);
        if (Options.given(file) && toneOptions) {
            throw new IllegalArgumentException(cmd + ": --rate, --channels, --format and --level shape a tone; a "
                    + "file plays in its own format");
        }
        Double secs = Options.given(seconds) ? Options.seconds(cmd, seconds) : null;
        if (secs != null && secs > MAX_SECONDS) {
            throw new IllegalArgumentException(cmd + ": --seconds " + seconds + " is too long; allowed: above 0 "
                    + "and at most " + (long) MAX_SECONDS);
        }
        Source source;
        if (Options.given(file)) {
            source = WavSource.open(cmd, Options.path(session, file));
        } else {
            int r = Options.given(rate) ? Options.integer(cmd, "--rate", rate, 1000, 768_000) : Params.DEFAULT_RATE;
            int ch = Options.given(channels) ? Options.integer(cmd, "--channels", channels, 1, 64)
                    : Params.DEFAULT_CHANNELS;
            SampleFormat sf = Options.given(format) ? Options.format(cmd, format) : SampleFormat.S16_LE;
            if (!Tone.FORMATS.contains(sf)) {
                throw new IllegalArgumentException(cmd + ": a tone is made in " + Tone.FORMATS + ", not " + sf);
            }
            double lv = Options.given(level) ? level(cmd, level) : TONE_AMPLITUDE;
            double hz = Options.given(tone) ? toneHz(cmd, tone, r) : DEFAULT_TONE_HZ;
            source = new Tone(hz, lv, new WavFormat(sf, r, ch));
        }
        try (source) {
            WavFormat f = source.format();
            long frames = source.frames();
            long wanted = secs != null ? frames(cmd, secs, f.rate())
                    : source instanceof Tone ? frames(cmd, DEFAULT_TONE_SECONDS, f.rate()) : frames;
            long total = frames < 0 ? wanted : Math.min(wanted, frames);
            if (total <= 0) {
                throw new IllegalArgumentException(cmd + ": " + source + " has no audio frames to play");
            }
            Transfer x = play(session, t, source, total);
            // a file whose data ends before its header says: played as far as it goes, and said so
            String cut = !x.interrupted && frames > 0 && x.frames < total
                    ? "; warning: the file is cut short: its header promises " + frames + " frames, it holds "
                            + x.frames
                    : "";
            return (x.interrupted ? "stopped by an interrupt (Ctrl-C or kill) after " : "played ")
                    + secondsText(x.frames, f.rate()) + " (" + x.frames + " frames) of " + source + " to "
                    + t.name() + "; xruns " + x.xruns + cut;
        }
    }

    private Transfer play(CommandSession session, SubstreamName.Target t, Source source, long total)
            throws IOException {
        String cmd = "pcm:play";
        WavFormat f = source.format();
        PcmSubstream s = openWith(cmd, t, PLAY_HOLDER, f);
        Transfer x = new Transfer();
        Progress progress = new Progress(console(session), t.name(), f.rate(), total);
        try (s; Arena arena = Arena.ofConfined()) {
            HwParams p = s.hwParams();
            // start explicitly once the buffer is full, as the command line promises (not at the first frame)
            s.swParams(s.swParams().withStartThreshold(s.swParams().boundary()));
            s.prepare();
            int fb = f.frameBytes();
            long chunk = p.periodSize();
            MemorySegment seg = arena.allocate(chunk * fb);
            byte[] bytes = new byte[(int) (chunk * fb)];
            long queued = 0;
            boolean started = false;
            while (x.frames < total && !x.interrupted) {
                int n = source.read(bytes, (int) Math.min(chunk, total - x.frames));
                if (n <= 0) {
                    break;
                }
                MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, n * fb);
                long done = 0;
                while (done < n) {
                    long room = started ? n - done : Math.min(n - done, p.bufferSize() - queued);
                    if (room == 0) {
                        s.start();
                        started = true;
                        continue;
                    }
                    try {
                        long w = s.write(seg.asSlice(done * fb), room);
                        done += w;
                        queued += w;
                    } catch (ErrnoException e) {
                        if (e.errno() == EINTR) {
                            x.interrupted();
                            break;
                        }
                        if (e.errno() != EPIPE) {
                            throw e;
                        }
                        x.xruns++;
                        s.prepare();
                        queued = 0;
                        started = false;
                    }
                }
                x.frames += done;
                progress.update(x.frames, x.xruns);
            }
            if (x.interrupted) {
                // Ctrl-C: stop at once, as aplay does, dropping what is queued
                s.drop();
                return x;
            }
            if (!started && queued > 0) {
                s.start();
            }
            try {
                s.drain();
            } catch (ErrnoException e) {
                if (e.errno() == EINTR) {
                    x.interrupted();
                    s.drop();
                } else if (e.errno() != EPIPE) {
                    throw e;
                } else {
                    x.xruns++;
                }
            }
        } catch (ErrnoException e) {
            throw Options.refused(cmd, t.name(), e);
        } finally {
            progress.end();
        }
        return x;
    }

    // ------------------------------------------------------------------ record

    @Descriptor("records from a capture substream into a WAV file, with a progress line; the file is "
            + "replaced if it exists. Stopped early (Ctrl-C, the card gone), the file keeps what was recorded "
            + "until then, as a valid WAV file, and the command says how much")
    public String record(CommandSession session,
            @Descriptor("record this many seconds (> 0); default: until stopped (Ctrl-C, or kill N for a job "
                    + "in the background), as arecord")
            @Parameter(names = "--seconds", absentValue = Options.ABSENT) String seconds,
            @Descriptor("the WAV file to write; default: a new pcmshare-record-CARD-DEV-SUB-TIME.wav in the "
                    + "current folder")
            @Parameter(names = "--file", absentValue = Options.ABSENT) String file,
            @Descriptor("rate in Hz (default 48000)")
            @Parameter(names = "--rate", absentValue = Options.ABSENT) String rate,
            @Descriptor("channels (default 2)")
            @Parameter(names = "--channels", absentValue = Options.ABSENT) String channels,
            @Descriptor("sample format: U8, S16_LE (the default), S24_3LE, S32_LE, FLOAT_LE or FLOAT64_LE")
            @Parameter(names = "--format", absentValue = Options.ABSENT) String format,
            @Descriptor("the capture substream: hw:CARD[,DEV[,SUB]], CARD an id or index")
            String substream) throws IOException {
        String cmd = "pcm:record";
        SubstreamName.Target t = target(cmd, substream, Direction.CAPTURE);
        Double secs = Options.given(seconds) ? Options.seconds(cmd, seconds) : null;
        int r = Options.given(rate) ? Options.integer(cmd, "--rate", rate, 1, Integer.MAX_VALUE) : Params.DEFAULT_RATE;
        int ch = Options.given(channels) ? Options.integer(cmd, "--channels", channels, 1, 1024)
                : Params.DEFAULT_CHANNELS;
        SampleFormat sf = Options.given(format) ? Options.format(cmd, format) : Params.DEFAULT_FORMAT;
        WavFormat f = new WavFormat(sf, r, ch);
        if (!f.fitsWav()) {
            throw new IllegalArgumentException(cmd + ": a WAV file cannot hold format " + sf + "; supported: "
                    + WavFormat.supported());
        }
        Path path = Options.path(session, Options.given(file) ? file : "pcmshare-record-" + t.cardId() + "-"
                + t.device() + "-" + t.subdevice() + "-" + java.time.LocalDateTime.now().format(
                        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".wav");
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(cmd + " cannot write " + path + ": the folder " + dir
                    + " does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(cmd + " cannot write " + path + ": it is a folder");
        }
        // without --seconds: until stopped; a WAV file cannot hold more than 4 GiB of data anyway
        long total = secs != null ? frames(cmd, secs, r) : Long.MAX_VALUE / 4;

        PcmSubstream s = openWith(cmd, t, RECORD_HOLDER, f);
        Transfer x = new Transfer();
        Progress progress = new Progress(console(session), t.name(), r, total);
        ErrnoException failure = null;
        WavWriter wav;
        try {
            wav = new WavWriter(path, f);
        } catch (IOException e) {
            s.close();
            throw new IllegalArgumentException(cmd + " cannot write " + path + ": " + e.getMessage());
        }
        try (s; wav; Arena arena = Arena.ofConfined()) {
            HwParams p = s.hwParams();
            s.prepare();
            s.start();
            record(s, p, arena, total, x, progress, wav);
        } catch (ErrnoException e) {
            failure = e;
        } finally {
            progress.end();
        }
        // what was captured stays, as arecord keeps it: the header says how much
        String amount = secondsText(x.frames, r) + " (" + x.frames + " frames, " + f + ")";
        if (failure != null) {
            throw new ErrnoException(failure.errno(), cmd, failure.state(), null, t.name() + ": "
                    + failure.getMessage() + "; " + path + " keeps the " + amount + " recorded before, a valid WAV "
                    + "file", failure);
        }
        return (x.interrupted ? "stopped by an interrupt (Ctrl-C or kill): recorded " : "recorded ") + amount + " from "
                + t.name() + " to " + path + (x.interrupted ? ", a valid WAV file" : "") + "; xruns " + x.xruns;
    }

    /** Reads period by period into the file until {@code total} frames, an interrupt or a refusal. */
    private static void record(PcmSubstream s, HwParams p, Arena arena, long total, Transfer x, Progress progress,
            WavWriter wav) throws IOException {
        int fb = p.frameBytes();
        long chunk = p.periodSize();
        MemorySegment seg = arena.allocate(chunk * fb);
        byte[] bytes = new byte[(int) (chunk * fb)];
        while (x.frames < total) {
            long got;
            try {
                got = s.read(seg, Math.min(chunk, total - x.frames));
            } catch (ErrnoException e) {
                if (e.errno() == EINTR) {
                    x.interrupted();
                    return;
                }
                if (e.errno() != EPIPE) {
                    throw e;
                }
                x.xruns++;
                s.prepare();
                s.start();
                continue;
            }
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 0, bytes, 0, (int) (got * fb));
            wav.write(bytes, (int) (got * fb));
            x.frames += got;
            progress.update(x.frames, x.xruns);
        }
    }

    /** Frames counted and xruns recovered from, by a transfer. */
    private static final class Transfer {
        long frames;
        long xruns;
        boolean interrupted;

        /** The command's thread was interrupted (Ctrl-C): the command ends; the shell goes on. */
        void interrupted() {
            interrupted = true;
            Thread.interrupted();
        }
    }

    // ------------------------------------------------------------------ sources

    /** What pcm:play plays. */
    private interface Source extends AutoCloseable {
        WavFormat format();

        /** Frames available, or -1 when endless. */
        long frames();

        /** Reads up to {@code frames} frames into {@code into}; returns frames read, or -1 at the end. */
        int read(byte[] into, int frames) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** A sine tone, the same on every channel, in S16_LE, S32_LE or FLOAT_LE. */
    private static final class Tone implements Source {
        static final java.util.List<SampleFormat> FORMATS = java.util.List.of(SampleFormat.S16_LE,
                SampleFormat.S32_LE, SampleFormat.FLOAT_LE);
        private final double hz;
        private final double level;
        private final WavFormat format;
        private long frame;

        Tone(double hz, double level, WavFormat format) {
            this.hz = hz;
            this.level = level;
            this.format = format;
        }

        @Override
        public WavFormat format() {
            return format;
        }

        @Override
        public long frames() {
            return -1;
        }

        @Override
        public int read(byte[] into, int frames) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(into).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < frames; i++, frame++) {
                double v = Math.sin(2 * Math.PI * hz * frame / format.rate()) * level;
                for (int c = 0; c < format.channels(); c++) {
                    switch (format.format()) {
                        case S32_LE -> b.putInt((int) Math.round(v * Integer.MAX_VALUE));
                        case FLOAT_LE -> b.putFloat((float) v);
                        default -> b.putShort((short) Math.round(v * Short.MAX_VALUE));
                    }
                }
            }
            return frames;
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            String f = hz == Math.rint(hz) ? String.valueOf((long) hz) : String.valueOf(hz);
            boolean usual = format.equals(new WavFormat(SampleFormat.S16_LE, Params.DEFAULT_RATE,
                    Params.DEFAULT_CHANNELS)) && level == TONE_AMPLITUDE;
            return "a " + f + " Hz tone" + (usual ? "" : " (" + format + ", level " + level + ")");
        }
    }

    /** A WAV file read through javax.sound.sampled. */
    private static final class WavSource implements Source {
        private final Path path;
        private final AudioInputStream in;
        private final WavFormat format;

        private WavSource(Path path, AudioInputStream in, WavFormat format) {
            this.path = path;
            this.in = in;
            this.format = format;
        }

        static WavSource open(String cmd, Path path) throws IOException {
            if (!Files.exists(path)) {
                throw new IllegalArgumentException(cmd + " cannot play " + path + ": no such file");
            }
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new IllegalArgumentException(cmd + " cannot play " + path + ": not a readable file");
            }
            AudioInputStream in;
            try {
                in = AudioSystem.getAudioInputStream(path.toFile());
            } catch (UnsupportedAudioFileException e) {
                throw new IllegalArgumentException(cmd + " cannot play " + path
                        + ": not a WAV file javax.sound.sampled can read; supported: WAV with "
                        + WavFormat.supported());
            } catch (IOException e) {
                // e.g. FileNotFoundException "(Permission denied)", or a file cut short in its header
                throw new IllegalArgumentException(cmd + " cannot play " + path + ": " + (e.getMessage() == null
                        ? e.getClass().getSimpleName() : e.getMessage()));
            }
            try {
                return new WavSource(path, in, WavFormat.of(in.getFormat()));
            } catch (IllegalArgumentException e) {
                in.close();
                throw new IllegalArgumentException(cmd + " cannot play " + path + ": " + e.getMessage());
            }
        }

        @Override
        public WavFormat format() {
            return format;
        }

        @Override
        public long frames() {
            long n = in.getFrameLength();
            return n == AudioSystem.NOT_SPECIFIED ? -1 : n;
        }

        @Override
        public int read(byte[] into, int frames) throws IOException {
            int fb = format.frameBytes();
            int want = frames * fb;
            int got = 0;
            while (got < want) {
                int r = in.read(into, got, want - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
            return got == 0 ? -1 : got / fb;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        @Override
        public String toString() {
            return path + " (" + format + ")";
        }
    }


    // ------------------------------------------------------------------ any other command line

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object play(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:play", "play", session, args);
    }

    @Descriptor("(any other command line: says what is wrong with it)")
    public Object record(CommandSession session, @Descriptor("the arguments as typed") Object... args)
            throws Exception {
        return Usage.dispatch(this, "pcm:record", "record", session, args);
    }

    // ------------------------------------------------------------------ helpers

    private SubstreamName.Target target(String cmd, String text, Direction direction) {
        SubstreamName name = SubstreamName.parse(cmd, text);
        if (name.direction() != null && name.direction() != direction) {
            throw new IllegalArgumentException(cmd + " cannot use substream '" + text + "': it "
                    + (direction == Direction.PLAYBACK ? "plays to a playback" : "records from a capture")
                    + " substream");
        }
        return name.resolve(cmd, core.cards(), direction);
    }

    private PcmSubstream openWith(String cmd, SubstreamName.Target t, String holder, WavFormat f) {
        PcmSubstream s;
        try {
            s = core.open(t.cardId(), t.device(), t.direction(), t.subdevice(), false, holder);
        } catch (ErrnoException e) {
            throw Options.refused(cmd, t.name() + PcmCommands.heldBy(core, t), e);
        }
        try {
            s.hwParams(Params.choose(s.constraints(), f.format(), f.channels(), f.rate(),
                    Params.transferPeriod(s.constraints(), f.rate()), 0));
            return s;
        } catch (ErrnoException e) {
            s.close();
            throw Options.refused(cmd, t.name() + " (" + f + ")", e);
        }
    }

    private static double level(String cmd, String value) {
        double l;
        try {
            l = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            l = Double.NaN;
        }
        if (!(l > 0 && l <= 1)) {
            throw new IllegalArgumentException(cmd + ": --level " + value + " is not allowed; give a fraction of full "
                    + "scale above 0 and at most 1, e.g. 0.5");
        }
        return l;
    }

    private static double toneHz(String cmd, String value, int rate) {
        double hz;
        try {
            hz = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            hz = Double.NaN;
        }
        if (!(hz > 0 && hz <= rate / 2.0)) {
            throw new IllegalArgumentException(cmd + ": --tone " + value + " is not allowed; give a frequency in Hz "
                    + "above 0 and at most " + rate / 2 + " (half the " + rate + " Hz rate)");
        }
        return hz;
    }

    private static long frames(String cmd, double seconds, int rate) {
        double f = Math.rint(seconds * rate);
        if (f < 1) {
            throw new IllegalArgumentException(cmd + ": --seconds " + seconds + " is less than one frame at " + rate
                    + " Hz");
        }
        if (f > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException(cmd + ": --seconds " + seconds + " is too long");
        }
        return (long) f;
    }

    /** The session variable the launcher sets on an exec's session: whether its output reaches a terminal. */
    static final String EXEC_TERMINAL = "pcmshare.terminal";

    private static String secondsText(long frames, int rate) {
        return String.format("%.2f s", (double) frames / rate);
    }

    /**
     * Where the progress line goes: to a terminal only, never into a file or a pipe (where its
     * redraws are noise), nor from a job in the background, which would scribble over the prompt.
     */
    private static PrintStream console(CommandSession session) {
        Process process = Process.Utils.current();
        java.io.Console terminal = System.console();
        // a line from ./pcmshare exec through the running container says where its output goes
        Object exec = session == null ? null : session.get(EXEC_TERMINAL);
        if (terminal == null || !terminal.isTerminal() || (process != null && !process.isTty(1))
                || Boolean.FALSE.equals(exec)) {
            return new PrintStream(OutputStream.nullOutputStream());
        }
        // Job.Utils.current() is the outermost job (the console's own): look from the command's job up
        for (Job job = process == null ? null : process.job(); job != null; job = job.parent()) {
            if (job.status() == Job.Status.Background) {
                return new PrintStream(OutputStream.nullOutputStream());
            }
        }
        return session != null && session.getConsole() != null ? session.getConsole() : System.out;
    }
}
