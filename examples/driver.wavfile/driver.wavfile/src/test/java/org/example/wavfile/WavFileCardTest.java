package org.example.wavfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import pcmshare.core.api.clock.ManualClock;
import pcmshare.core.api.headless.HeadlessCore;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;
import pcmshare.driver.kit.DriverConformance;

/**
 * The WAV file card without a framework: a headless core on a manual clock for
 * what the card does period by period, and the conformance kit's rules on a
 * headless core on the real clock.
 */
class WavFileCardTest {
    private static final HwParams PARAMS = HwParams.of(SampleFormat.S16_LE, 2, 48_000, 480, 4);
    private static final long PERIOD_NANOS = 10_000_000;

    @TempDir
    Path dir;

    private WavFileCard card(String id) throws IOException {
        WavFileConfig config = new WavFileConfig() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String directory() {
                return dir.toString();
            }

            @Override
            public int substreams() {
                return 1;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return WavFileConfig.class;
            }
        };
        // no framework: the directory is configured, so no framework property is asked for
        return new WavFileCard(config, null);
    }

    @Test
    void playback_writesEachElapsedPeriodToItsFile_onTheManualClock() throws Exception {
        ManualClock clock = new ManualClock(0);
        try (HeadlessCore core = HeadlessCore.on(clock); Arena arena = Arena.ofConfined()) {
            String id = core.addCard(card("Unit"));
            PcmSubstream p = core.open(id, 0, Direction.PLAYBACK);
            p.hwParams(PARAMS);
            p.prepare();
            MemorySegment frames = arena.allocate(PARAMS.bufferSize() * 4);
            for (int f = 0; f < PARAMS.bufferSize(); f++) {
                frames.set(ValueLayout.JAVA_SHORT_UNALIGNED, f * 4L, (short) f);
                frames.set(ValueLayout.JAVA_SHORT_UNALIGNED, f * 4L + 2, (short) -f);
            }
            // the write starts the stream (start_threshold 1); nothing moves until the clock does
            assertEquals(PARAMS.bufferSize(), p.write(frames, PARAMS.bufferSize()));
            assertEquals(PcmState.RUNNING, p.state());
            assertEquals(0, p.status().hwPtr());
            clock.advance(3 * PERIOD_NANOS);
            assertEquals(3 * 480, p.status().hwPtr(), "three periods elapsed, no more");
            p.drop();
            p.close();

            byte[] wav = Files.readAllBytes(dir.resolve("Unit-0-p0.wav"));
            ByteBuffer data = ByteBuffer.wrap(wav, 44, wav.length - 44).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(3 * 480 * 4, data.remaining(), "the file holds the frames played, no more");
            for (int f = 0; f < 3 * 480; f++) {
                assertEquals((short) f, data.getShort(), "left of frame " + f);
                assertEquals((short) -f, data.getShort(), "right of frame " + f);
            }
        }
    }

    @Test
    void cardRemoved_disconnectsItsOpenSubstreams() throws Exception {
        WavFileCard card = card("Gone");
        try (HeadlessCore core = HeadlessCore.on(new ManualClock(0))) {
            String id = core.addCard(card);
            PcmSubstream c = core.open(id, 0, Direction.CAPTURE);
            core.removeCard(card);
            assertEquals(PcmState.DISCONNECTED, c.state());
            assertTrue(core.card(id).isEmpty());
        }
    }

    /** The kit's twelve rules, without a framework. */
    @TestFactory
    Stream<DynamicTest> conformsToTheKitWithoutAFramework() throws IOException {
        return DriverConformance.headless(card("KitUnit")).build().dynamicTests();
    }
}
