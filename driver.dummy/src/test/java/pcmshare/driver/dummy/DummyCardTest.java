package pcmshare.driver.dummy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pcmshare.driver.dummy.Rig.SECOND;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.pcm.CardInfo;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.HwParams;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmStatus;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.pcm.SampleFormat;

/** The dummy card driven through the PCM core on a manual clock. */
class DummyCardTest {
    private static final ValueLayout.OfShort S16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt S32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static HwParams stereo16(int rate, long period, int periods) {
        return HwParams.of(SampleFormat.S16_LE, 2, rate, period, periods);
    }

    // ---------------------------------------------------------------- position

    @ParameterizedTest(name = "{0} Hz, {1}, {2}")
    @CsvSource({
            "44100, HRTIMER, PLAYBACK", "44100, HRTIMER, CAPTURE", "44100, SYSTICK, PLAYBACK", "44100, SYSTICK, CAPTURE",
            "48000, HRTIMER, PLAYBACK", "48000, HRTIMER, CAPTURE", "48000, SYSTICK, PLAYBACK", "48000, SYSTICK, CAPTURE",
            "96000, HRTIMER, PLAYBACK", "96000, HRTIMER, CAPTURE", "96000, SYSTICK, PLAYBACK", "96000, SYSTICK, CAPTURE" })
    @DisplayName("hw_ptr after N seconds is exactly N x rate frames, however the clock is advanced")
    void positionAfterNSecondsIsExact(int rate, TimerMode mode, Direction direction) {
        try (Rig rig = new Rig(DummySettings.builder().timerMode(mode))) {
            PcmSubstream s = rig.prepared(direction, stereo16(rate, 256, 8), true);
            if (direction == Direction.PLAYBACK) {
                s.write(rig.bytes(256 * 4), 256);
            } else {
                s.start();
            }
            assertThat(s.state()).isEqualTo(PcmState.RUNNING);
            // one jump, then odd steps that never fall on a frame boundary
            rig.clock.advance(7 * SECOND);
            assertThat(s.status().hwPtr()).isEqualTo(7L * rate);
            for (int i = 0; i < 2000; i++) {
                rig.clock.advance(1_000_003);
            }
            rig.clock.advance(3 * SECOND - 2000L * 1_000_003);
            PcmStatus st = s.status();
            assertThat(st.hwPtr()).as("hw_ptr after 10 s").isEqualTo(10L * rate);
            assertThat(st.state()).isEqualTo(PcmState.RUNNING);
            assertThat(st.xrunCount()).isZero();
        }
    }

    @Test
    @DisplayName("hrtimer: one period elapsed per period, position to the frame in between")
    void hrtimerTicksOncePerPeriodAndPositionIsExactBetweenTicks() {
        try (Rig rig = new Rig(DummySettings.builder())) {
            PcmSubstream s = rig.prepared(Direction.CAPTURE, stereo16(48_000, 480, 4), true);
            s.start();
            rig.clock.advance(SECOND);
            assertThat(rig.card.timerFirings()).isEqualTo(100);
            rig.clock.advance(1_500_000);
            assertThat(s.status().hwPtr()).isEqualTo(48_072);
            assertThat(rig.card.timerFirings()).isEqualTo(100);
        }
    }

    @Test
    @DisplayName("systick: the position moves only on the 250 Hz tick, by rate/HZ frames")
    void systickMovesOnlyOnTicks() {
        try (Rig rig = new Rig(DummySettings.builder().timerMode(TimerMode.SYSTICK).systickHz(250))) {
            PcmSubstream s = rig.prepared(Direction.CAPTURE, stereo16(48_000, 256, 8), true);
            s.start();
            rig.clock.advance(3_999_999);
            assertThat(s.status().hwPtr()).isZero();
            rig.clock.advance(1);
            assertThat(s.status().hwPtr()).isEqualTo(192);
            rig.clock.advance(SECOND - 4_000_000);
            assertThat(s.status().hwPtr()).isEqualTo(48_000);
            // each period is reported on the tick that completes it: the 187 periods of the first second, 187 ticks
            assertThat(rig.card.timerFirings()).isEqualTo(187);
        }
    }

    @Test
    @DisplayName("systick: a buffer shorter than two ticks is EINVAL at hw_params")
    void systickRefusesABufferShorterThanTwoTicks() {
        try (Rig rig = new Rig(DummySettings.builder().timerMode(TimerMode.SYSTICK).systickHz(100))) {
            PcmSubstream s = rig.open(Direction.PLAYBACK);
            assertThatThrownBy(() -> s.hwParams(stereo16(48_000, 256, 2)))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
                    .hasMessageContaining("two system ticks");
            assertThat(s.state()).isEqualTo(PcmState.OPEN);
            s.hwParams(stereo16(48_000, 256, 4));
        }
    }

    @ParameterizedTest
    @EnumSource(TimerMode.class)
    @DisplayName("skew +100 ppm: 4.8 extra frames per second at 48 kHz (4800 over 1000 s)")
    void skewPlus100PpmGives4point8ExtraFramesPerSecondAt48k(TimerMode mode) {
        try (Rig rig = new Rig(DummySettings.builder().timerMode(mode).skewPpm(100))) {
            assertThat(rig.engine.card(rig.cardId).map(CardInfo::clockSkewPpm)).contains(100L);
            PcmSubstream s = rig.prepared(Direction.CAPTURE, stereo16(48_000, 256, 4), true);
            s.start();
            // 40 s of the core's clock are 40.004 s of the card's: exact in both modes (a 250 Hz tick is 4 ms)
            rig.clock.advance(40 * SECOND);
            assertThat(s.status().hwPtr()).isEqualTo(40 * 48_000 + 192);
            rig.clock.advance(960 * SECOND);
            assertThat(s.status().hwPtr()).isEqualTo(48_004_800);
        }
    }

    @Test
    @DisplayName("skew -250 ppm: a slow crystal loses 12 frames per second at 48 kHz")
    void negativeSkewLosesFrames() {
        try (Rig rig = new Rig(DummySettings.builder().skewPpm(-250))) {
            PcmSubstream s = rig.prepared(Direction.CAPTURE, stereo16(48_000, 256, 4), true);
            s.start();
            rig.clock.advance(100 * SECOND);
            assertThat(s.status().hwPtr()).isEqualTo(4_800_000 - 1_200);
        }
    }

    @Test
    @DisplayName("pause holds the position; release resumes from it")
    void pauseHoldsThePosition() {
        try (Rig rig = new Rig(DummySettings.builder())) {
            PcmSubstream s = rig.prepared(Direction.CAPTURE, stereo16(48_000, 256, 4), true);
            s.start();
            rig.clock.advance(SECOND / 2);
            s.pause(true);
            assertThat(rig.clock.pendingTimers()).isZero();
            rig.clock.advance(5 * SECOND);
            s.pause(false);
            rig.clock.advance(SECOND / 2);
            assertThat(s.status().hwPtr()).isEqualTo(48_000);
        }
    }

    // ---------------------------------------------------------------- one timer per card

    @Test
    @DisplayName("one timer serves every running substream of the card; a stopped substream leaves no timer")
    void oneTimerForTheCardAndNoneWhenStopped() {
        try (Rig rig = new Rig(DummySettings.builder())) {
            List<PcmSubstream> streams = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                PcmSubstream s = rig.prepared(Direction.CAPTURE, stereo16(48_000, 64 * (i + 1), 4), true);
                s.start();
                streams.add(s);
                rig.clock.advance(333_333);
            }
            assertThat(rig.card.runningSubstreams()).isEqualTo(4);
            assertThat(rig.clock.pendingTimers()).as("clock timers armed").isEqualTo(1);
            rig.clock.advance(SECOND);
            assertThat(rig.clock.pendingTimers()).isEqualTo(1);
            streams.get(0).drop();
            streams.get(1).close();
            assertThat(rig.card.runningSubstreams()).isEqualTo(2);
            assertThat(rig.clock.pendingTimers()).isEqualTo(1);
            streams.get(2).drop();
            streams.get(3).drop();
            assertThat(rig.card.runningSubstreams()).isZero();
            assertThat(rig.clock.pendingTimers()).as("nothing armed with nothing running").isZero();
            long firings = rig.card.timerFirings();
            rig.clock.advance(10 * SECOND);
            assertThat(rig.card.timerFirings()).isEqualTo(firings);
        }
    }

    @Test
    @DisplayName("timer slack: periods that end within the slack share one firing; positions stay exact")
    void timerSlackBatchesDeadlinesThatAreClose() {
        try (Rig rig = new Rig(DummySettings.builder().timerSlackMicros(1000))) {
            List<PcmSubstream> streams = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                PcmSubstream s = rig.prepared(Direction.CAPTURE, stereo16(48_000, 480, 4), true);
                s.start();
                streams.add(s);
                rig.clock.advance(250_000);
            }
            rig.clock.advance(SECOND - 1_000_000);
            // 100 periods each, 4 x 100 without slack; one firing serves all four
            assertThat(rig.card.timerFirings()).isBetween(99L, 100L);
            for (int i = 0; i < 4; i++) {
                assertThat(streams.get(i).status().hwPtr()).isEqualTo(48_000 - 12 * i);
            }
        }
    }

    // ---------------------------------------------------------------- capture content

    @ParameterizedTest
    @EnumSource(value = TimerMode.class)
    @DisplayName("counting pattern: capture reads n*channels+c in every sample, bit-exact, across buffer wraps")
    void countingPatternIsCapturedBitExactly(TimerMode mode) {
        try (Rig rig = new Rig(DummySettings.builder().timerMode(mode).captureContent(CaptureContent.COUNTING))) {
            PcmSubstream s = rig.prepared(Direction.CAPTURE, stereo16(48_000, 256, 4), false);
            s.start();
            MemorySegment dst = rig.bytes(1024 * 4);
            long frame = 0;
            // 3 s: 288000 samples, so the 16-bit counter wraps several times
            for (int step = 0; step < 3000; step++) {
                rig.clock.advance(1_000_000);
                long n = s.avail();
                assertThat(s.read(dst, n)).isEqualTo(n);
                for (long i = 0; i < n; i++, frame++) {
                    for (int c = 0; c < 2; c++) {
                        short expected = (short) (frame * 2 + c);
                        short got = dst.get(S16, (i * 2 + c) * 2);
                        if (got != expected) {
                            throw new AssertionError("frame " + frame + " channel " + c + ": " + got + " != " + expected);
                        }
                    }
                }
            }
            assertThat(frame).isEqualTo(144_000);
            assertThat(s.status().xrunCount()).isZero();
        }
    }

    @Test
    @DisplayName("counting pattern in S32_LE, non-interleaved: every channel's block counts")
    void countingPatternNonInterleaved32() {
        try (Rig rig = new Rig(DummySettings.builder().captureContent(CaptureContent.COUNTING))) {
            HwParams p = new HwParams(pcmshare.core.api.pcm.Access.RW_NONINTERLEAVED, SampleFormat.S32_LE, 3, 44_100,
                    100, 4);
            PcmSubstream s = rig.prepared(Direction.CAPTURE, p, false);
            s.start();
            MemorySegment[] ch = { rig.bytes(400 * 4), rig.bytes(400 * 4), rig.bytes(400 * 4) };
            long frame = 0;
            for (int step = 0; step < 200; step++) {
                rig.clock.advance(5_000_000);
                long n = s.avail();
                s.read(ch, n);
                for (long i = 0; i < n; i++, frame++) {
                    for (int c = 0; c < 3; c++) {
                        assertThat(ch[c].get(S32, i * 4)).isEqualTo((int) (frame * 3 + c));
                    }
                }
            }
            assertThat(frame).isEqualTo(44_100);
        }
    }

    @Test
    @DisplayName("sine: 1 kHz at half scale, exact phase from the frame number")
    void sineCapture() {
        try (Rig rig = new Rig(DummySettings.builder().captureContent(CaptureContent.SINE).sine(1000, 0.5))) {
            PcmSubstream s = rig.prepared(Direction.CAPTURE, stereo16(48_000, 480, 4), false);
            s.start();
            rig.clock.advance(10_000_000);
            MemorySegment dst = rig.bytes(480 * 4);
            assertThat(s.read(dst, 480)).isEqualTo(480);
            for (int f = 0; f < 480; f++) {
                double cycles = 1000.0 * f / 48_000;
                cycles -= Math.floor(cycles);
                short expected = (short) Math.round(0.5 * 32767 * Math.sin(2 * Math.PI * cycles));
                assertThat(dst.get(S16, f * 4L)).as("frame %d left", f).isEqualTo(expected);
                assertThat(dst.get(S16, f * 4L + 2)).as("frame %d right", f).isEqualTo(expected);
            }
            assertThat(dst.get(S16, 12 * 4)).isEqualTo((short) 16384);
            assertThat(dst.get(S16, 36 * 4)).isEqualTo((short) -16383);
        }
    }

    @Test
    @DisplayName("silence: U8 capture reads 0x80")
    void silenceIsTheFormatsSilence() {
        try (Rig rig = new Rig(DummySettings.builder())) {
            PcmSubstream s = rig.prepared(Direction.CAPTURE, HwParams.of(SampleFormat.U8, 1, 8_000, 80, 4), false);
            s.start();
            rig.clock.advance(20_000_000);
            MemorySegment dst = rig.bytes(160);
            assertThat(s.read(dst, 160)).isEqualTo(160);
            for (int i = 0; i < 160; i++) {
                assertThat(dst.get(ValueLayout.JAVA_BYTE, i)).isEqualTo((byte) 0x80);
            }
        }
    }

    @Test
    @DisplayName("fake_buffer: the driver never touches the ring buffer")
    void fakeBufferRecordsNothing() {
        try (Rig rig = new Rig(DummySettings.builder().captureContent(CaptureContent.COUNTING).fakeBuffer(true))) {
            PcmSubstream s = rig.prepared(Direction.CAPTURE, stereo16(48_000, 256, 4), false);
            s.start();
            rig.clock.advance(10_000_000);
            MemorySegment dst = rig.bytes(480 * 4);
            assertThat(s.read(dst, 480)).isEqualTo(480);
            for (int i = 0; i < 480 * 4; i++) {
                assertThat(dst.get(ValueLayout.JAVA_BYTE, i)).isZero();
            }
            assertThat(rig.card.streams().getFirst().transferredFrames()).isZero();
            assertThat(s.status().hwPtr()).isEqualTo(480);
        }
    }

    // ---------------------------------------------------------------- playback

    @Test
    @DisplayName("playback consumes at the rate: what the application writes is what the card reads, bit-exact")
    void playbackConsumesWhatWasWrittenBitExactly() {
        try (Rig rig = new Rig(DummySettings.builder())) {
            PcmSubstream s = rig.prepared(Direction.PLAYBACK, stereo16(48_000, 480, 4), false);
            MemorySegment src = rig.bytes(480 * 4);
            CRC32C expected = new CRC32C();
            long written = 0;
            for (int period = 0; period < 400; period++) {
                for (int i = 0; i < 480 * 2; i++) {
                    src.set(S16, i * 2L, (short) (written * 2 + i));
                }
                expected.update(src.asByteBuffer());
                written += 480;
                assertThat(s.write(src, 480)).isEqualTo(480);
                if (period >= 2) {
                    // keep two periods queued
                    rig.clock.advance(10_000_000);
                }
            }
            // play out what is queued
            rig.clock.advance(20_000_000);
            assertThat(s.status().hwPtr()).isEqualTo(written);
            DummyStream stream = rig.card.streams().getFirst();
            assertThat(stream.transferredFrames()).isEqualTo(written);
            assertThat(stream.playbackChecksum()).isEqualTo(expected.getValue());
        }
    }

    @Test
    @DisplayName("xrun: playback the application stops feeding stops with XRUN, and write is EPIPE")
    void xrunWhenTheApplicationStopsFeedingPlayback() {
        try (Rig rig = new Rig(DummySettings.builder())) {
            PcmSubstream s = rig.prepared(Direction.PLAYBACK, stereo16(48_000, 256, 4), false);
            MemorySegment src = rig.bytes(256 * 4);
            for (int i = 0; i < 4; i++) {
                s.write(src, 256);
            }
            assertThat(s.state()).isEqualTo(PcmState.RUNNING);
            // fed for a while: one period written per period played
            for (int i = 0; i < 100; i++) {
                rig.clock.advance(s.hwParams().framesToNanos(256) + (i % 3 == 0 ? 1 : 0));
                s.write(src, s.avail());
            }
            assertThat(s.status().xrunCount()).isZero();
            // the application stops: the buffer runs dry within a buffer's time (1024 frames = 21.33 ms)
            rig.clock.advance(21_333_334);
            PcmStatus st = s.status();
            assertThat(st.state()).isEqualTo(PcmState.XRUN);
            assertThat(st.xrunCount()).isEqualTo(1);
            assertThat(rig.card.runningSubstreams()).isZero();
            assertThat(rig.clock.pendingTimers()).isZero();
            assertThatThrownBy(() -> s.write(src, 1))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPIPE));
            // prepare and write again: running once more
            s.prepare();
            s.write(src, 256);
            assertThat(s.state()).isEqualTo(PcmState.RUNNING);
            assertThat(rig.card.runningSubstreams()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("playback drain ends when the queued frames are played, on the card's timer")
    void drainEndsOnTheCardsTimer() throws Exception {
        try (Rig rig = new Rig(DummySettings.builder())) {
            PcmSubstream s = rig.prepared(Direction.PLAYBACK, stereo16(48_000, 480, 4), false);
            s.write(rig.bytes(960 * 4), 960);
            s.setNonBlocking(true);
            assertThatThrownBy(s::drain).isInstanceOfSatisfying(ErrnoException.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.EAGAIN));
            assertThat(s.state()).isEqualTo(PcmState.DRAINING);
            rig.clock.advance(19_999_999);
            assertThat(s.state()).isEqualTo(PcmState.DRAINING);
            rig.clock.advance(1);
            assertThat(s.state()).isEqualTo(PcmState.SETUP);
            assertThat(rig.clock.pendingTimers()).isZero();
        }
    }

    // ---------------------------------------------------------------- devices and substreams

    @Test
    @DisplayName("pcm_devs and pcm_substreams: devices and substream counts per direction, EBUSY when all are open")
    void devicesAndSubstreams() {
        try (Rig rig = new Rig(DummySettings.builder().id("multi").pcmDevs(2).substreams(3, 1))) {
            CardInfo info = rig.engine.card("multi").orElseThrow();
            assertThat(info.devices()).hasSize(2);
            assertThat(info.devices()).allSatisfy(d -> {
                assertThat(d.playbackSubstreams()).isEqualTo(3);
                assertThat(d.captureSubstreams()).isEqualTo(1);
            });
            for (int i = 0; i < 3; i++) {
                rig.engine.open("multi", 1, Direction.PLAYBACK);
            }
            rig.engine.open("multi", 1, Direction.CAPTURE);
            assertThatThrownBy(() -> rig.engine.open("multi", 1, Direction.PLAYBACK))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY));
            assertThatThrownBy(() -> rig.engine.open("multi", 2, Direction.PLAYBACK))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
            assertThat(rig.card.openSubstreams()).isEqualTo(4);
        }
    }

    @Test
    @DisplayName("the card goes away: running substreams are DISCONNECTED (EBADFD) and nothing stays armed")
    void removingTheCardDisconnects() {
        try (Rig rig = new Rig(DummySettings.builder())) {
            PcmSubstream s = rig.prepared(Direction.CAPTURE, stereo16(48_000, 256, 4), true);
            s.start();
            rig.clock.advance(SECOND);
            rig.engine.removeCard(rig.card);
            rig.card.shutdown();
            assertThat(s.state()).isEqualTo(PcmState.DISCONNECTED);
            assertThatThrownBy(s::avail).isInstanceOfSatisfying(ErrnoException.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.EBADFD));
            assertThat(rig.clock.pendingTimers()).isZero();
            assertThat(rig.card.openSubstreams()).isZero();
            assertThatThrownBy(() -> rig.card.open(null)).isInstanceOfSatisfying(ErrnoException.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
        }
    }
}
