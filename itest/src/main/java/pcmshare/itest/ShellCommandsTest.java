package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.memory.Access;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.MemfdMapping;
import pcmshare.core.api.memory.MemfdFactory;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.SharedHandle;

/**
 * The pcm and share Gogo commands, run through the CommandProcessor as the
 * shell and {@code pcmshare exec} run them, against a timer-paced test card
 * registered by this bundle ("Timed": device 0 with two playback substreams and
 * one capture substream) and a second card without a timer source ("Quiet").
 */
class ShellCommandsTest {
    private static final String CARD = "ShellTimed";
    private static final String QUIET = "ShellQuiet";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    PcmCore core;

    @InjectService(timeout = 5000)
    CommandProcessor gogo;

    @TempDir
    Path dir;

    private TimedCard card;
    private ServiceRegistration<SoundCardDriver> timedReg;
    private ServiceRegistration<SoundCardDriver> quietReg;

    @BeforeEach
    void registerCards() {
        card = new TimedCard(CARD);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(SoundCardDriver.TIMER_SOURCE_PROPERTY, TimedCard.TIMER);
        timedReg = context.registerService(SoundCardDriver.class, card, (Dictionary<String, ?>) props);
        quietReg = context.registerService(SoundCardDriver.class, new TimedCard(QUIET),
                (Dictionary<String, ?>) new Hashtable<String, Object>());
        awaitCard(CARD);
        awaitCard(QUIET);
    }

    @AfterEach
    void unregisterCards() throws Exception {
        // substreams the shell still holds go with the card; let go of them too
        for (String line : run("pcm:list").lines().toList()) {
            if (line.contains(CARD) && line.contains("shell (pcm:open)")) {
                run("pcm:close " + line.split("\\s+")[0] + "/" + line.split("\\s+")[1]);
            }
        }
        timedReg.unregister();
        quietReg.unregister();
        card.shutdown();
    }

    private void awaitCard(String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (core.card(id).isEmpty()) {
            assertThat(System.nanoTime()).as("card %s appears", id).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private String run(String line) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (CommandSession session = gogo.createSession(InputStream.nullInputStream(), out, out)) {
            Object result = session.execute(line);
            if (result != null) {
                out.println(session.format(result, 0));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private PcmSubstream openElsewhere(Direction d, int sub, String holder) {
        PcmSubstream s = core.open(CARD, 0, d, sub, false, holder);
        s.hwParams(HwParams.of(SampleFormat.S16_LE, 2, 48_000, 480, 8));
        return s;
    }

    private int indexOf(String id) {
        return core.card(id).map(CardInfo::index).orElseThrow(() -> new AssertionError("no card " + id));
    }

    // ------------------------------------------------------------------ pcm:cards

    @Test
    void cards_listsIndexIdNameDriverBundleAndTimerSource() throws Exception {
        String out = run("pcm:cards");
        assertThat(out).containsPattern(indexOf(CARD) + "\\s+" + CARD + "\\s+itest timed card\\s+itest\\s+"
                + TimedCard.TIMER + "\\s+0 ppm");
        assertThat(out).containsPattern(indexOf(QUIET) + "\\s+" + QUIET + "\\s+itest timed card\\s+itest\\s+"
                + "own clock");
        assertThat(out).contains("INDEX", "DRIVER BUNDLE", "TIMER SOURCE");
    }

    // ------------------------------------------------------------------ pcm:list

    @Test
    void list_showsEverySubstreamWithDirectionStateAndHolder() throws Exception {
        try (PcmSubstream s = openElsewhere(Direction.PLAYBACK, 1, "itest holder")) {
            String out = run("pcm:list");
            assertThat(out).containsPattern("hw:" + CARD + ",0,0\\s+playback\\s+closed\\s+-");
            assertThat(out).containsPattern("hw:" + CARD + ",0,1\\s+playback\\s+SETUP\\s+itest holder\\s+1");
            assertThat(out).containsPattern("hw:" + CARD + ",0,0\\s+capture\\s+closed");
            assertThat(out).containsPattern("hw:" + QUIET + ",0,0\\s+capture\\s+closed");
        }
    }

    // ------------------------------------------------------------------ pcm:status

    @Test
    void status_ofASubstreamAnotherBundleHolds_showsStateParamsAndPointers() throws Exception {
        try (PcmSubstream s = openElsewhere(Direction.PLAYBACK, 0, "itest player")) {
            s.prepare();
            String out = run("pcm:status hw:" + CARD + ",0,0");
            assertThat(out).contains("hw:" + CARD + ",0,0/playback");
            assertThat(out).containsPattern("state\\s+: PREPARED");
            assertThat(out).containsPattern("owner\\s+: itest player");
            assertThat(out).containsPattern("format\\s+: S16_LE");
            assertThat(out).containsPattern("rate\\s+: 48000");
            assertThat(out).containsPattern("channels\\s+: 2");
            assertThat(out).containsPattern("period_size\\s+: 480");
            assertThat(out).containsPattern("buffer_size\\s+: 3840");
            assertThat(out).containsPattern("hw_ptr\\s+: 0");
            assertThat(out).containsPattern("appl_ptr\\s+: 0");
            assertThat(out).containsPattern("avail\\s+: 3840");
            assertThat(out).containsPattern("delay\\s+: 0");
            assertThat(out).containsPattern("xruns\\s+: 0");
            assertThat(s.state()).as("reading the status changes nothing").isEqualTo(
                    pcmshare.core.api.pcm.PcmState.PREPARED);
        }
    }

    @Test
    void status_captureByFlagOrSuffix_andClosedSubstream() throws Exception {
        try (PcmSubstream s = openElsewhere(Direction.CAPTURE, 0, "itest recorder")) {
            assertThat(run("pcm:status --capture hw:" + CARD)).containsPattern("owner\\s+: itest recorder");
            assertThat(run("pcm:status hw:" + indexOf(CARD) + ",0,0/capture"))
                    .containsPattern("owner\\s+: itest recorder");
        }
        assertThat(run("pcm:status hw:" + CARD + ",0,0/capture")).contains("closed");
    }

    @Test
    void status_unknownCardNamesTheKnownOnes() {
        assertThatThrownBy(() -> run("pcm:status hw:Nope,0,0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pcm:status")
                .hasMessageContaining("'hw:Nope,0,0'")
                .hasMessageContaining(CARD).hasMessageContaining(QUIET);
    }

    @Test
    void status_outOfRangeSubdeviceAndBadNumber() {
        assertThatThrownBy(() -> run("pcm:status hw:" + CARD + ",0,5"))
                .hasMessageContaining("has 2 playback substreams (0-1)");
        assertThatThrownBy(() -> run("pcm:status hw:" + CARD + ",x"))
                .hasMessageContaining("the device 'x' is not a number");
        assertThatThrownBy(() -> run("pcm:status --capture hw:" + CARD + ",0,1"))
                .hasMessageContaining("has 1 capture substream (0)");
    }

    // ------------------------------------------------------------------ pcm:play

    @Test
    void play_toneForAFifthOfASecond_playsEveryFrame_noProgressRedrawsOffATerminal() throws Exception {
        String out = run("pcm:play --tone 1000 --seconds 0.2 hw:" + CARD + ",0,0");
        assertThat(out).as("progress redraws are for a terminal").doesNotContain("\r");
        assertThat(out).contains("played 0.20 s (9600 frames) of a 1000 Hz tone to hw:" + CARD + ",0,0/playback");
        assertThat(card.played().length).isGreaterThanOrEqualTo(9600 * 4);
        assertThat(run("pcm:list")).containsPattern("hw:" + CARD + ",0,0\\s+playback\\s+closed");
    }

    @Test
    void play_toneWithoutSecondsPlaysOneSecond_onTheSecondSubstream() throws Exception {
        assertThat(run("pcm:play hw:" + CARD + ",0,1")).contains("played 1.00 s (48000 frames) of a 440 Hz tone");
    }

    @Test
    void play_wavFile_reachesTheHardwareBitExact() throws Exception {
        byte[] data = new byte[4800 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        File wav = dir.resolve("in.wav").toFile();
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(data), new AudioFormat(48_000, 16, 2, true,
                false), 4800), AudioFileFormat.Type.WAVE, wav);
        String out = run("pcm:play --file " + wav + " hw:" + CARD);
        assertThat(out).contains("played 0.10 s (4800 frames) of " + wav + " (S16_LE, 48000 Hz, 2 channels)");
        assertThat(out).contains("xruns 0");
        assertThat(Arrays.copyOf(card.played(), data.length)).isEqualTo(data);
    }

    @Test
    void play_missingFile_namesThePath() {
        Path missing = dir.resolve("missing.wav");
        assertThatThrownBy(() -> run("pcm:play --file " + missing + " hw:" + CARD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pcm:play cannot play " + missing + ": no such file");
    }

    @Test
    void play_wavOfAnUnsupportedFormat_namesTheFormatAndWhatIsSupported() throws Exception {
        File ulaw = dir.resolve("ulaw.wav").toFile();
        AudioFormat f = new AudioFormat(AudioFormat.Encoding.ULAW, 8_000, 8, 1, 1, 8_000, false);
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(new byte[800]), f, 800),
                AudioFileFormat.Type.WAVE, ulaw);
        assertThatThrownBy(() -> run("pcm:play --file " + ulaw + " hw:" + CARD))
                .hasMessageContaining(ulaw.toString())
                .hasMessageContaining("ULAW")
                .hasMessageContaining("supported: linear PCM");
    }

    @Test
    void play_notAWavFile_namesThePath() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.wav"), "not audio");
        assertThatThrownBy(() -> run("pcm:play --file " + text + " hw:" + CARD))
                .hasMessageContaining(text + ": not a WAV file");
    }

    @Test
    void play_aFormatTheCardRefuses_isEinvalNamingTheSubstream() throws Exception {
        File wav = dir.resolve("float.wav").toFile();
        AudioFormat f = new AudioFormat(AudioFormat.Encoding.PCM_FLOAT, 48_000, 32, 2, 8, 48_000, false);
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(new byte[800]), f, 100),
                AudioFileFormat.Type.WAVE, wav);
        assertThatThrownBy(() -> run("pcm:play --file " + wav + " hw:" + CARD))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
                .hasMessageContaining("pcm:play")
                .hasMessageContaining("hw:" + CARD + ",0,0/playback (FLOAT_LE, 48000 Hz, 2 channels)");
    }

    @Test
    void play_negativeOrZeroSeconds_refused() {
        assertThatThrownBy(() -> run("pcm:play --seconds -1 hw:" + CARD))
                .hasMessageContaining("pcm:play: --seconds -1 is not allowed; give a positive number of seconds");
        assertThatThrownBy(() -> run("pcm:play --seconds 0 hw:" + CARD))
                .hasMessageContaining("--seconds 0 is not allowed");
        assertThatThrownBy(() -> run("pcm:play --seconds soon hw:" + CARD))
                .hasMessageContaining("--seconds 'soon' is not a number");
    }

    @Test
    void play_badToneAndBothSources_refused() {
        assertThatThrownBy(() -> run("pcm:play --tone 30000 hw:" + CARD)).hasMessageContaining("at most 24000");
        assertThatThrownBy(() -> run("pcm:play --tone 440 --file x.wav hw:" + CARD))
                .hasMessageContaining("not both");
    }

    @Test
    void play_unknownSubstream_andACaptureName_refused() {
        assertThatThrownBy(() -> run("pcm:play hw:Nope")).hasMessageContaining("no card 'Nope'")
                .hasMessageContaining(CARD);
        assertThatThrownBy(() -> run("pcm:play hw:" + CARD + ",0,0/capture"))
                .hasMessageContaining("plays to a playback substream");
    }

    @Test
    void play_busySubstream_isEbusyNamingTheHolder() {
        try (PcmSubstream s = openElsewhere(Direction.PLAYBACK, 0, "itest squatter")) {
            assertThatThrownBy(() -> run("pcm:play --seconds 0.1 hw:" + CARD))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY))
                    .hasMessageContaining("held by itest squatter");
        }
    }

    // ------------------------------------------------------------------ pcm:record

    @Test
    void record_writesAValidWavWithEveryCapturedFrame() throws Exception {
        Path wav = dir.resolve("out.wav");
        String out = run("pcm:record --seconds 0.2 --file " + wav + " hw:" + CARD);
        assertThat(out).as("no progress redraws where the output is not a terminal").doesNotContain("\r");
        assertThat(out).contains("recorded 0.20 s (9600 frames, S16_LE, 48000 Hz, 2 channels) from hw:" + CARD
                + ",0,0/capture to " + wav + "; xruns 0");
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            assertThat(AudioSystem.getAudioFileFormat(wav.toFile()).getType()).isEqualTo(AudioFileFormat.Type.WAVE);
            AudioFormat f = in.getFormat();
            assertThat(f.getSampleRate()).isEqualTo(48_000f);
            assertThat(f.getChannels()).isEqualTo(2);
            assertThat(f.getSampleSizeInBits()).isEqualTo(16);
            assertThat(f.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
            assertThat(in.getFrameLength()).isEqualTo(9600);
            byte[] data = in.readAllBytes();
            assertThat(data).hasSize(9600 * 4);
            for (int frame = 0; frame < 9600; frame++) {
                for (int b = 0; b < 4; b++) {
                    assertThat(data[frame * 4 + b]).as("frame %d byte %d", frame, b).isEqualTo((byte) frame);
                }
            }
        }
    }

    @Test
    void record_withFormatAndChannels() throws Exception {
        Path wav = dir.resolve("s32.wav");
        run("pcm:record --seconds 0.05 --format S32_LE --channels 1 --file " + wav + " hw:" + CARD + ",0,0");
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            assertThat(in.getFormat().getSampleSizeInBits()).isEqualTo(32);
            assertThat(in.getFormat().getChannels()).isEqualTo(1);
            assertThat(in.getFrameLength()).isEqualTo(2400);
        }
    }

    @Test
    void record_missingOrBadOptions_refused() {
        Path wav = dir.resolve("x.wav");
        // Gogo's own "Cannot coerce record(Token, ...)" never reaches the user
        assertThatThrownBy(() -> run("pcm:record --bogus 1 --seconds 1 --file " + wav + " hw:" + CARD))
                .hasMessageStartingWith("pcm:record: unknown option --bogus; it takes options --seconds, --file, "
                        + "--rate, --channels, --format; argument: the capture substream (help pcm:record)");
        assertThatThrownBy(() -> run("pcm:record --seconds 1 --file " + wav))
                .hasMessageStartingWith("pcm:record: missing the capture substream");
        assertThatThrownBy(() -> run("pcm:record --seconds 1 --file " + wav + " hw:" + CARD + " hw:" + CARD))
                .hasMessageStartingWith("pcm:record: too many arguments (2; it takes 1)");
        assertThatThrownBy(() -> run("pcm:record --file " + wav + " --seconds"))
                .hasMessageStartingWith("pcm:record: option --seconds needs a value");
        assertThatThrownBy(() -> run("pcm:record --seconds -0.5 --file " + wav + " hw:" + CARD))
                .hasMessageContaining("--seconds -0.5 is not allowed");
        assertThatThrownBy(() -> run("pcm:record --seconds 1 --format S24_LE --file " + wav + " hw:" + CARD))
                .hasMessageContaining("a WAV file cannot hold format S24_LE");
        Path nowhere = dir.resolve("no/such/folder/x.wav");
        assertThatThrownBy(() -> run("pcm:record --seconds 1 --file " + nowhere + " hw:" + CARD))
                .hasMessageContaining("cannot write " + nowhere + ": the folder");
        assertThatThrownBy(() -> run("pcm:record --seconds 1 --file " + wav + " hw:Nope"))
                .hasMessageContaining("no card 'Nope'");
        assertThat(wav).doesNotExist();
    }

    // ------------------------------------------------------------------ pcm:params

    @Test
    void params_printsTheWholeSpaceOneParameterALineAsAplayDumpHwParams() throws Exception {
        String out = run("pcm:params hw:" + CARD + ",0,0");
        assertThat(out).startsWith("HW Params of device \"hw:" + CARD + ",0,0/playback\":\n--------------------\n")
                .contains("ACCESS:  MMAP_INTERLEAVED MMAP_NONINTERLEAVED RW_INTERLEAVED RW_NONINTERLEAVED\n")
                .contains("FORMAT:  S16_LE S32_LE\n").contains("SUBFORMAT:  STD\n").contains("SAMPLE_BITS: [16 32]\n")
                .contains("PERIODS: 8\n").contains("TICK_TIME: ALL\n");
        for (String p : List.of("FRAME_BITS", "CHANNELS", "RATE", "PERIOD_TIME", "PERIOD_SIZE", "PERIOD_BYTES",
                "BUFFER_TIME", "BUFFER_SIZE", "BUFFER_BYTES")) {
            assertThat(out).containsPattern("(?m)^" + p + ": \\S");
        }
        // the question opened the substream and let go of it
        assertThat(run("pcm:list")).containsPattern("hw:" + CARD + ",0,0\\s+playback\\s+closed");
    }

    @Test
    void params_ofASubstreamHeldElsewhereIsEBUSYNamingTheHolder_ofOneTheShellHoldsIsItsSpace() throws Exception {
        try (PcmSubstream s = openElsewhere(Direction.PLAYBACK, 0, "itest player")) {
            assertThatThrownBy(() -> run("pcm:params hw:" + CARD + ",0,0")).hasMessageContaining("EBUSY")
                    .hasMessageContaining("itest player");
        }
        run("pcm:open hw:" + CARD + ",0,1");
        assertThat(run("pcm:params hw:" + CARD + ",0,1")).contains("FORMAT:  S16_LE S32_LE\n");
        run("pcm:close hw:" + CARD + ",0,1");
    }

    // ------------------------------------------------------------------ pcm:open, link, unlink, close

    @Test
    void openLinkUnlinkClose_actOnSubstreamsTheShellHolds() throws Exception {
        String a = "hw:" + CARD + ",0,0";
        String b = "hw:" + CARD + ",0,1";
        assertThat(run("pcm:open " + a)).contains("opened " + a + "/playback: S16_LE, 48000 Hz, 2 channels, "
                + "period 480 frames, buffer 3840 frames; state SETUP");
        assertThat(run("pcm:open --rate 44100 " + b)).contains("44100 Hz");
        assertThat(run("pcm:list")).containsPattern(a + "\\s+playback\\s+SETUP\\s+shell \\(pcm:open\\)");

        assertThat(run("pcm:link " + a + " " + b)).contains("linked " + a + "/playback with " + b + "/playback");
        assertThat(run("pcm:list")).containsPattern(a + "\\s+playback\\s+SETUP\\s+shell \\(pcm:open\\)\\s+1\\s+"
                + b + "/playback");
        assertThat(run("pcm:status " + b)).containsPattern("linked\\s+: " + a + "/playback");

        assertThatThrownBy(() -> run("pcm:link " + a + " " + b))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EALREADY))
                .hasMessageContaining("pcm:link");
        assertThat(run("pcm:unlink " + b)).contains("unlinked " + b + "/playback");
        assertThat(run("pcm:status " + a)).containsPattern("linked\\s+: -");
        assertThatThrownBy(() -> run("pcm:unlink " + b))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EALREADY));

        assertThat(run("pcm:close " + a)).contains("closed " + a + "/playback");
        assertThat(run("pcm:close " + b)).contains("closed " + b + "/playback");
        assertThat(run("pcm:list")).containsPattern(a + "\\s+playback\\s+closed");
    }

    @Test
    void linkAndClose_refuseSubstreamsTheShellDoesNotHold() throws Exception {
        String a = "hw:" + CARD + ",0,0";
        run("pcm:open " + a);
        assertThatThrownBy(() -> run("pcm:link " + a + " hw:" + CARD + ",0,1"))
                .hasMessageContaining("pcm:link acts on substreams the shell holds")
                .hasMessageContaining("hw:" + CARD + ",0,1/playback is not one of them")
                .hasMessageContaining("[" + a + "/playback]");
        assertThatThrownBy(() -> run("pcm:close --capture " + a))
                .hasMessageContaining("pcm:close acts on substreams the shell holds");
        assertThatThrownBy(() -> run("pcm:unlink hw:Nope")).hasMessageContaining("no card 'Nope'");
        run("pcm:close " + a);
    }

    @Test
    void link_acrossDirections_withSuffixes() throws Exception {
        run("pcm:open hw:" + CARD + ",0,0/playback");
        run("pcm:open --capture hw:" + CARD);
        assertThat(run("pcm:link hw:" + CARD + ",0,0/p hw:" + CARD + ",0,0/c"))
                .contains("with hw:" + CARD + ",0,0/capture");
        run("pcm:close hw:" + CARD + ",0,0/capture");
        assertThat(run("pcm:status hw:" + CARD)).containsPattern("linked\\s+: -");
        run("pcm:close hw:" + CARD);
    }

    @Test
    void open_busyOrBadParams_refused() throws Exception {
        try (PcmSubstream s = openElsewhere(Direction.PLAYBACK, 0, "itest squatter")) {
            assertThatThrownBy(() -> run("pcm:open hw:" + CARD))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY))
                    .hasMessageContaining("held by itest squatter");
        }
        assertThatThrownBy(() -> run("pcm:open --format S8 hw:" + CARD))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        assertThat(run("pcm:list")).as("a refused open leaves nothing open")
                .containsPattern("hw:" + CARD + ",0,0\\s+playback\\s+closed");
        assertThatThrownBy(() -> run("pcm:open --format S99 hw:" + CARD))
                .hasMessageContaining("--format 'S99' is not a sample format");
        assertThatThrownBy(() -> run("pcm:open --rate fast hw:" + CARD))
                .hasMessageContaining("--rate 'fast' is not a whole number");
        assertThatThrownBy(() -> run("pcm:open --capture --playback hw:" + CARD))
                .hasMessageContaining("exclude each other");
    }

    // ------------------------------------------------------------------ share:*

    @Test
    void shareBackends_listsTheThreeBackendsWithBundleAndState() throws Exception {
        String out = run("share:backends");
        assertThat(out).containsPattern("anondup\\s+sharing.anondup\\s+ACTIVE\\s+registered");
        assertThat(out).containsPattern("dmabuf\\s+sharing.dmabuf\\s+ACTIVE\\s+registered");
        assertThat(out).containsPattern("shmem\\s+sharing.shmem\\s+ACTIVE\\s+registered");
    }

    @Test
    @SuppressWarnings({"rawtypes", "unchecked"}) // osgi-test injects services by their raw type
    void shareList_showsLiveExportsWithSizeRefsAndHolders(
            @InjectService(timeout = 5000) MemfdFactory memfds,
            @InjectService(filter = "(" + BufferExporter.TYPE_PROPERTY + "=shmem)", timeout = 5000)
            BufferExporter shmem) throws Exception {
        Memfd fd = memfds.create("itest-share-list", MemfdFactory.MFD_CLOEXEC | MemfdFactory.MFD_ALLOW_SEALING);
        fd.resize(4096);
        try (MemfdMapping m = fd.map(Access.READ_WRITE)) {
            // a container as shmem validates it: format modifier, payload length, payload
            m.segment().set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0,
                    0x0100_0000_0000_0042L);
            m.segment().set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8, 4096 - 12);
        }
        fd.addSeals(java.util.EnumSet.of(pcmshare.core.api.memory.Seal.WRITE, pcmshare.core.api.memory.Seal.SHRINK,
                pcmshare.core.api.memory.Seal.GROW));
        SharedHandle first = shmem.export(fd, "itest server");
        SharedHandle second = first.share("itest client");
        try {
            String out = run("share:list");
            assertThat(out).containsPattern("shmem\\s+" + first.id() + "\\s+.*\\s+4096\\s+2\\s+itest server, itest "
                    + "client");
        } finally {
            second.close();
            first.close();
        }
        assertThat(run("share:list")).doesNotContainPattern("shmem\\s+" + first.id() + "\\s");
    }
}
