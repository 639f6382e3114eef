package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SubstreamInfo;
import pcmshare.core.api.sharing.BufferExporter;
import pcmshare.core.api.sharing.ExportInfo;

/**
 * {@code pcmshare:demo} run through Gogo's CommandProcessor, as {@code ./pcmshare demo}
 * runs it, against the container's own loopback card: it must pass, say every
 * step, write the WAV it names, and leave nothing behind, also when it fails.
 */
class DemoCommandTest {
    private static final String HOLDER_PREFIX = "pcmshare:demo";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    PcmCore core;

    @InjectService(timeout = 5000)
    CommandProcessor gogo;

    @InjectService(timeout = 5000)
    ConfigurationAdmin cm;

    @TempDir
    Path dir;

    @Test
    @DisplayName("pcmshare:demo passes, prints every step and its checks, and writes the WAV it names")
    void demo_passesAndSaysEveryStep() throws Exception {
        awaitCard("Loopback");
        Path wav = dir.resolve("demo.wav");
        String out = run("pcmshare:demo --seconds 0.5 --out " + wav);

        assertThat(out).contains(
                "1/5 A server opens the loopback playback and hands a client a MONITOR dup",
                "refused: EPERM",
                "2/5 The loopback playback is linked to a dummy card playback running at +250 ppm",
                "created card DemoDummy through ConfigurationAdmin",
                "3/5 The loopback capture's ring buffer goes to a consumer as a dma-buf",
                "4/5 The stream description travels to the consumer as a sealed shmem container",
                "validated it in place",
                "(one timestamp)",
                "5/5 Checks",
                "frames moved:",
                "xruns: hw:Loopback,0,0 playback 0, hw:Loopback,1,0 capture 0",
                "drift against the linked card: 0 frames",
                "recorded audio equals the played audio bit-exactly: all 24000 frames",
                "WAV: " + wav,
                "pcmshare:demo: every check held");
        // every check is made and reported on every run, none only sometimes
        assertThat(out).contains("pcmshare:demo: every check held (14): client start refused, "
                + "client writes through the dup, dummy card created, linked, description validated in place, "
                + "description received, one group start, one trigger timestamp, consumer finished, frames moved, "
                + "no xruns, no drift against the linked card, WAV written, recorded equals played bit-exactly");
        assertThat(out.indexOf("1/5")).isLessThan(out.indexOf("2/5"));
        assertThat(out.indexOf("4/5")).isLessThan(out.indexOf("5/5"));

        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            AudioFormat f = in.getFormat();
            assertThat(f.getSampleRate()).isEqualTo(48_000f);
            assertThat(f.getChannels()).isEqualTo(2);
            assertThat(f.getSampleSizeInBits()).isEqualTo(16);
            assertThat(in.getFrameLength()).as("the tone and the silence around it").isGreaterThan(24_000);
        }
        assertNothingLeft();
    }

    @Test
    @DisplayName("pcmshare:demo twice in a row: the second run finds everything as the first left it")
    void demo_runsAgain() throws Exception {
        awaitCard("Loopback");
        for (int i = 0; i < 2; i++) {
            assertThat(run("pcmshare:demo --seconds 0.3 --out " + dir.resolve("again" + i + ".wav")))
                    .contains("every check held");
            assertNothingLeft();
        }
    }

    @Test
    @DisplayName("a failed step ends the demo with a message naming it, and the demo still cleans up")
    void demo_failsCleanlyWhenTheCaptureIsTaken() throws Exception {
        awaitCard("Loopback");
        try (PcmSubstream taken = core.open("Loopback", 1, Direction.CAPTURE, 0, false, "DemoCommandTest")) {
            assertThatThrownBy(() -> run("pcmshare:demo --seconds 0.3 --out " + dir.resolve("x.wav")))
                    .hasMessageContaining("pcmshare:demo: 3/5").hasMessageContaining("EBUSY");
            assertNothingLeft();
            assertThat(taken.state()).as("the test's own substream is untouched").isEqualTo(PcmState.OPEN);
        }
    }

    @Test
    @DisplayName("bad options are refused before anything is opened, naming the option")
    void badOptions_refused() {
        assertThatThrownBy(() -> run("pcmshare:demo --seconds -1")).hasMessageContaining("--seconds -1")
                .hasMessageContaining("positive number of seconds");
        assertThatThrownBy(() -> run("pcmshare:demo --seconds 600")).hasMessageContaining("too long");
        assertThatThrownBy(() -> run("pcmshare:demo --seconds 0.001")).hasMessageContaining("shorter than one period");
        assertThatThrownBy(() -> run("pcmshare:demo --out " + dir.resolve("no/such/folder/x.wav")))
                .hasMessageContaining("does not exist");
    }

    private void assertNothingLeft() throws Exception {
        List<SubstreamInfo> open = core.substreams().stream().filter(s -> s.holder().startsWith(HOLDER_PREFIX))
                .toList();
        assertThat(open).as("substreams the demo left open").isEmpty();
        List<ExportInfo> exports = new ArrayList<>();
        for (ServiceReference<BufferExporter> ref : context.getServiceReferences(BufferExporter.class, null)) {
            BufferExporter<?, ?> e = context.getService(ref);
            try {
                e.exports().stream().filter(x -> x.holders().stream().anyMatch(h -> h.startsWith(HOLDER_PREFIX)))
                        .forEach(exports::add);
            } finally {
                context.ungetService(ref);
            }
        }
        assertThat(exports).as("exports the demo left held").isEmpty();
        Configuration[] configs = cm.listConfigurations("(service.factoryPid=pcmshare.driver.dummy)");
        if (configs != null) {
            for (Configuration c : configs) {
                assertThat(c.getProperties().get("id")).as("the demo's dummy configuration").isNotEqualTo("DemoDummy");
            }
        }
        assertThat(core.card("DemoDummy")).as("the demo's dummy card").isEmpty();
    }

    private void awaitCard(String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
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

    @Test
    @DisplayName("pcmshare:demo without --out removes the WAV it wrote and says so")
    void demoWithoutOut_removesItsWav() throws Exception {
        String out = run("pcmshare:demo --seconds 0.3");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("WAV: (\\S+\\.wav) ").matcher(out);
        assertThat(m.find()).as("the demo names its WAV: %s", out).isTrue();
        Path wav = Path.of(m.group(1));
        assertThat(out).contains("removed " + wav + " at the end (--out FILE keeps the recording)");
        assertThat(wav).doesNotExist();
    }
}
