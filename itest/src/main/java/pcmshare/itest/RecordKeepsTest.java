package pcmshare.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pcmshare.core.api.driver.SoundCardDriver;
import pcmshare.core.api.pcm.PcmCore;

/** A recording that stops early keeps what it recorded, as arecord does, and says where and why. */
class RecordKeepsTest {
    private static final String CARD = "RecordKept";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    PcmCore core;

    @InjectService(timeout = 5000)
    CommandProcessor gogo;

    @TempDir
    Path dir;

    @Test
    void recordCutShortByTheCardGoing_keepsAValidWavOfWhatItRecorded() throws Exception {
        TimedCard card = new TimedCard(CARD);
        ServiceRegistration<SoundCardDriver> reg = context.registerService(SoundCardDriver.class, card,
                (Dictionary<String, ?>) new Hashtable<String, Object>());
        Path wav = dir.resolve("cut.wav");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (core.card(CARD).isEmpty()) {
                assertThat(System.nanoTime()).as("card appears").isLessThan(deadline);
                Thread.onSpinWait();
            }
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    ContainerTest.run(gogo, "pcm:record --seconds 60 --file " + wav + " hw:" + CARD);
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            });
            while (!Files.exists(wav) || Files.size(wav) < 44 + 4 * 4800) {
                assertThat(System.nanoTime()).as("recording under way").isLessThan(deadline);
                Thread.onSpinWait();
            }
            reg.unregister();
            reg = null;
            Throwable failure = outcome.get(10, TimeUnit.SECONDS);
            assertThat(failure).as("pcm:record says the card went").isNotNull();
            assertThat(failure.getMessage()).contains(wav + " keeps the ").contains("recorded before, a valid WAV");
            assertThat(wav).exists();
            try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
                long frames = in.getFrameLength();
                assertThat(frames).isGreaterThanOrEqualTo(4800);
                assertThat(in.readAllBytes()).hasSize((int) frames * 4);
                assertThat(failure.getMessage()).contains("(" + frames + " frames, S16_LE");
            }
        } finally {
            if (reg != null) {
                reg.unregister();
            }
            card.shutdown();
        }
    }
}
