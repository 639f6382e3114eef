package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.pcm.PcmCore;

/** pcm:start, stop, drain, pause, prepare and write on substreams the shell holds, alone and linked. */
class DriveCommandsTest {
    private static final String CARD = "Driven";
    private static final String A = "hw:" + CARD + ",0,0";
    private static final String B = "hw:" + CARD + ",0,1";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    PcmCore core;

    @InjectService(timeout = 5000)
    CommandProcessor gogo;

    private TimedCard card;
    private ServiceRegistration<SoundCardDriver> reg;

    @BeforeEach
    void registerCard() {
        card = new TimedCard(CARD);
        reg = context.registerService(SoundCardDriver.class, card, (Dictionary<String, ?>) new Hashtable<String, Object>());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (core.card(CARD).isEmpty()) {
            assertThat(System.nanoTime()).as("card appears").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @AfterEach
    void unregister() throws Exception {
        for (String s : new String[] {A, B}) {
            try {
                run("pcm:close " + s);
            } catch (Exception notHeld) {
                // closed by the test
            }
        }
        reg.unregister();
        card.shutdown();
    }

    private String run(String line) throws Exception {
        return ContainerTest.run(gogo, line);
    }

    @Test
    void linkedPair_writeStartsBoth_pauseReleaseStopPrepareActOnBoth() throws Exception {
        // 0.8 s rings: the test's commands come well within what is queued, however busy the machine
        run("pcm:open --period 4800 " + A);
        run("pcm:open --period 4800 " + B);
        run("pcm:link " + A + " " + B);
        assertThat(run("pcm:prepare " + A)).contains("prepared " + A + "/playback with " + B + "/playback")
                .contains("state PREPARED");
        // a group starts only when each playback in it has frames queued (snd_pcm_pre_start)
        assertThat(run("pcm:write " + A + " --seconds 0.8")).contains("wrote 38400 of 38400 frames to " + A)
                .contains("state PREPARED");
        assertThat(run("pcm:write " + B + " --seconds 0.8")).contains("wrote 38400 of 38400 frames to " + B)
                .contains("state RUNNING");
        assertThat(run("pcm:status " + A)).containsPattern("state\\s+: RUNNING");
        assertThat(run("pcm:pause " + A)).contains("paused " + A).contains("state PAUSED");
        assertThat(run("pcm:status " + B)).containsPattern("state\\s+: PAUSED");
        assertThat(run("pcm:pause --release " + B)).contains("released " + B).contains("state RUNNING");
        assertThat(run("pcm:stop " + A)).contains("stopped " + A).contains("state SETUP");
        assertThat(run("pcm:status " + B)).containsPattern("state\\s+: SETUP");
    }

    @Test
    void startRefusals_nameTheStateAndTheSubstream_drainPlaysWhatIsQueued() throws Exception {
        run("pcm:open " + A);
        assertThatThrownBy(() -> run("pcm:start " + A)).hasMessageContaining("EBADFD")
                .hasMessageContaining(A).hasMessageContaining("SETUP");
        run("pcm:prepare " + A);
        assertThatThrownBy(() -> run("pcm:start " + A)).as("a playback with nothing queued").hasMessageContaining(
                "EPIPE");
        run("pcm:prepare " + A);
        assertThat(run("pcm:write " + A + " --seconds 0.02")).contains("state RUNNING");
        assertThat(run("pcm:drain " + A)).contains("drained " + A).contains("state SETUP");
        assertThatThrownBy(() -> run("pcm:start " + B)).hasMessageContaining(
                "pcm:start acts on substreams the shell holds");
        assertThatThrownBy(() -> run("pcm:start --bogus " + A)).hasMessageStartingWith(
                "pcm:start: unknown option --bogus");
    }

    @Test
    void cardsVerbose_showsWhatEachDeviceAcceptsInEachDirection() throws Exception {
        String out = run("pcm:cards -v");
        assertThat(out).contains("      device 0 playback (itest timed pcm): 2 substreams")
                .contains("      device 0 capture (itest timed pcm): 1 substream\n")
                .containsPattern("        rates +8000-384000 Hz")
                .containsPattern("        channels +1-32")
                .containsPattern("        period size +16-1048576 frames")
                .containsPattern("        buffer size +32-4194304 frames")
                .containsPattern("        formats +S16_LE S32_LE\n")
                .containsPattern("        periods +8\n")
                .containsPattern("        can +PAUSE\n");
        assertThat(run("pcm:cards")).doesNotContain("period size");
    }

    @Test
    void listFilters_openCardAndPlain_columnsFitLongNames() throws Exception {
        TimedCard longer = new TimedCard("DrivenByACardWithAVeryLongIdentifier");
        ServiceRegistration<SoundCardDriver> longReg = context.registerService(SoundCardDriver.class, longer,
                (Dictionary<String, ?>) new Hashtable<String, Object>());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (core.card(longer.id()).isEmpty()) {
                assertThat(System.nanoTime()).as("card appears").isLessThan(deadline);
                Thread.onSpinWait();
            }
            run("pcm:open " + A);
            assertThat(run("pcm:list --open --card " + CARD)).containsPattern(A + " +playback +SETUP")
                    .doesNotContain(B).contains("1 substream open on 1 card");
            String plain = run("pcm:list --plain --card " + CARD);
            assertThat(plain).doesNotContain("SUBSTREAM").doesNotContain("substreams on")
                    .contains(A + "\tplayback\tSETUP\tshell (pcm:open)\t1\t-");
            String wide = run("pcm:list");
            int column = wide.lines().filter(l -> l.startsWith("hw:" + longer.id())).findFirst().orElseThrow()
                    .indexOf(" playback");
            assertThat(wide.lines().filter(l -> l.startsWith("hw:")).map(l -> l.indexOf(" playback") < 0
                    ? l.indexOf(" capture") : l.indexOf(" playback")).distinct()).as("one column for the direction")
                    .containsExactly(column);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> run("pcm:list --card Nope"))
                    .hasMessageContaining("pcm:list: no card 'Nope'");
        } finally {
            longReg.unregister();
            longer.shutdown();
        }
    }

    @Test
    void toneWithRateChannelsFormatAndLevel_secondsBounded() throws Exception {
        assertThat(run("pcm:play --tone 1000 --rate 44100 --channels 1 --format S32_LE --level 0.5 --seconds 0.1 "
                + A)).contains("played 0.10 s (4410 frames) of a 1000 Hz tone (S32_LE, 44100 Hz, 1 channel, level "
                        + "0.5) to " + A + "/playback");
        assertThatThrownBy(() -> run("pcm:play --seconds 100000 " + A)).hasMessageContaining(
                "--seconds 100000 is too long; allowed: above 0 and at most 3600");
        assertThatThrownBy(() -> run("pcm:play --level 2 " + A)).hasMessageContaining("--level 2 is not allowed");
        assertThatThrownBy(() -> run("pcm:play --format U8 " + A)).hasMessageContaining("a tone is made in");
        assertThatThrownBy(() -> run("pcm:play --tone 30000 --rate 44100 " + A)).hasMessageContaining(
                "at most 22050 (half the 44100 Hz rate)");
    }

    @Test
    void truncatedWav_isPlayedAsFarAsItGoes_withAWarningThatSaysSo(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        java.nio.file.Path wav = dir.resolve("cut.wav");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 4800 * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        // the header promises 48000 frames of 48 kHz stereo S16_LE; the data holds 4800
        b.put("RIFF".getBytes()).putInt(36 + 48000 * 4).put("WAVEfmt ".getBytes()).putInt(16).putShort((short) 1)
                .putShort((short) 2).putInt(48000).putInt(48000 * 4).putShort((short) 4).putShort((short) 16)
                .put("data".getBytes()).putInt(48000 * 4);
        java.nio.file.Files.write(wav, b.array());
        assertThat(run("pcm:play --file " + wav + " " + A)).contains("played 0.10 s (4800 frames) of " + wav)
                .contains("warning: the file is cut short: its header promises 48000 frames, it holds 4800");
    }
}
