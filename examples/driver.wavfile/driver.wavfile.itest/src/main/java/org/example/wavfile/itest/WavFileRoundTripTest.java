package org.example.wavfile.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmCore;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/** What playback wrote is a WAV file Java Sound reads, and capture records it back frame for frame. */
class WavFileRoundTripTest {
    private static final ValueLayout.OfShort S16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final HwParams P = HwParams.of(SampleFormat.S16_LE, 2, 48_000, 480, 8);
    private static final int FRAMES = 9_600;

    @Test
    void playbackWritesAWavFile_captureReadsItBack() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();
        ServiceReference<PcmCore> ref = context.getServiceReference(PcmCore.class);
        PcmCore core = context.getService(ref);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (core.card("WavFile").isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "card WavFile registered");
            Thread.onSpinWait();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment samples = arena.allocate((long) FRAMES * P.frameBytes());
            for (int i = 0; i < FRAMES * 2; i++) {
                samples.setAtIndex(S16, i, (short) (i * 7));
            }
            // playback substream 1, so that the kit's runs on substream 0 leave this file alone
            try (PcmSubstream play = core.open("WavFile", 0, Direction.PLAYBACK, 1, false)) {
                play.hwParams(P);
                play.prepare();
                assertEquals(FRAMES, play.write(samples, FRAMES));
                play.drain();
            }
            Path file = Path.of(context.getProperty("org.example.wavfile.dir"), "WavFile-0-p1.wav");
            try (InputStream in = Files.newInputStream(file);
                    AudioInputStream audio = AudioSystem.getAudioInputStream(new java.io.BufferedInputStream(in))) {
                AudioFormat f = audio.getFormat();
                assertEquals(48_000f, f.getSampleRate());
                assertEquals(2, f.getChannels());
                assertEquals(16, f.getSampleSizeInBits());
                assertEquals(FRAMES, audio.getFrameLength());
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                audio.transferTo(bytes);
                MemorySegment read = MemorySegment.ofArray(bytes.toByteArray());
                for (int i = 0; i < FRAMES * 2; i += 101) {
                    assertEquals((short) (i * 7), read.get(S16, i * 2L), "sample " + i);
                }
            }
            try (PcmSubstream rec = core.open("WavFile", 0, Direction.CAPTURE, 1, false)) {
                rec.hwParams(P);
                rec.prepare();
                MemorySegment back = arena.allocate((long) FRAMES * P.frameBytes());
                assertEquals(FRAMES, rec.read(back, FRAMES));
                for (int i = 0; i < FRAMES * 2; i++) {
                    assertEquals((short) (i * 7), back.getAtIndex(S16, i), "captured sample " + i);
                }
            }
        } finally {
            context.ungetService(ref);
        }
    }
}
